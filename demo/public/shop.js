// The demo shop's own script: cart in localStorage, header count, category filter with
// pushState, checkout, and the shop events it reports to Floorwalker through the queue stub
// `floorwalker('track', …)` (which works whether or not the snippet has loaded yet).
(() => {
  const catalog = JSON.parse(document.getElementById('catalog').textContent);
  const page = document.body.dataset.page;
  const CART_KEY = 'fernhill_cart';
  const TRACKED_KEY = 'fernhill_tracked_orders';
  const money = new Intl.NumberFormat('en-IE', { style: 'currency', currency: catalog.currency });
  const round = (v) => Math.round(v * 100) / 100;
  const track = (name, props) => window.floorwalker('track', name, props);

  const loadCart = () => {
    try {
      const cart = JSON.parse(localStorage.getItem(CART_KEY) || '[]');
      return Array.isArray(cart) ? cart.filter((i) => catalog.products[i.slug] && i.quantity > 0) : [];
    } catch {
      return [];
    }
  };
  const saveCart = (cart) => {
    localStorage.setItem(CART_KEY, JSON.stringify(cart));
    renderCount(true);
  };
  const itemCount = (cart) => cart.reduce((n, i) => n + i.quantity, 0);
  const subtotal = (cart) => round(cart.reduce((s, i) => s + catalog.products[i.slug].price * i.quantity, 0));
  const shipping = (sub) => (sub >= 60 || sub === 0 ? 0 : 4.9);
  const escapeHtml = (text) =>
    String(text).replace(
      /[&<>"']/g,
      (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
    );

  function renderCount(bump) {
    for (const el of document.querySelectorAll('[data-cart-count]')) {
      el.textContent = String(itemCount(loadCart()));
      if (bump) {
        el.classList.remove('bump');
        void el.offsetWidth;
        el.classList.add('bump');
      }
    }
  }

  let toastTimer;
  function toast(text) {
    const el = document.querySelector('.toast');
    el.textContent = text;
    el.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => {
      el.hidden = true;
    }, 2600);
  }

  function addToCart(slug, quantity) {
    const product = catalog.products[slug];
    if (!product) return;
    const cart = loadCart();
    const line = cart.find((i) => i.slug === slug);
    if (line) line.quantity = Math.min(20, line.quantity + quantity);
    else cart.push({ slug, quantity });
    saveCart(cart);
    track('add_to_cart', {
      value: round(product.price * quantity),
      currency: catalog.currency,
      sku: product.sku,
      quantity,
      name: product.name,
    });
    toast(`Added ${quantity} × ${product.name} to your cart`);
  }

  function removeFromCart(slug, quantity) {
    const product = catalog.products[slug];
    const cart = loadCart();
    const line = cart.find((i) => i.slug === slug);
    if (!product || !line) return;
    const removed = Math.min(quantity, line.quantity);
    line.quantity -= removed;
    saveCart(cart.filter((i) => i.quantity > 0));
    track('remove_from_cart', {
      value: round(product.price * removed),
      currency: catalog.currency,
      sku: product.sku,
      quantity: removed,
      name: product.name,
    });
  }

  document.addEventListener('click', (event) => {
    const add = event.target.closest('[data-add]');
    if (add) {
      const input = page === 'product' ? document.querySelector('[data-qty]') : null;
      const quantity = input ? Math.max(1, Math.min(20, Number.parseInt(input.value, 10) || 1)) : 1;
      addToCart(add.dataset.add, quantity);
    }
  });

  // Category pages: the price filter is a client-side route change (pushState), as in a SPA.
  function applyFilter(slug) {
    const tests = {
      all: () => true,
      'under-40': (p) => p < 40,
      '40-80': (p) => p >= 40 && p <= 80,
      'over-80': (p) => p > 80,
    };
    const test = tests[slug] || tests.all;
    let shown = 0;
    for (const card of document.querySelectorAll('.grid .card')) {
      card.hidden = !test(Number(card.dataset.price));
      if (!card.hidden) shown++;
    }
    for (const chip of document.querySelectorAll('.chip')) {
      chip.setAttribute('aria-pressed', String(chip.dataset.filter === (tests[slug] ? slug : 'all')));
    }
    document.querySelector('[data-result-count]').textContent = `${shown} product${shown === 1 ? '' : 's'}`;
    document.querySelector('[data-empty-filter]').hidden = shown > 0;
  }
  if (page === 'category') {
    document.addEventListener('click', (event) => {
      const chip = event.target.closest('[data-filter]');
      if (!chip) return;
      event.preventDefault();
      const slug = chip.dataset.filter;
      history.pushState({ filter: slug }, '', `${location.pathname}?price=${slug}`);
      applyFilter(slug);
    });
    addEventListener('popstate', () =>
      applyFilter(new URLSearchParams(location.search).get('price') || 'all'),
    );
  }

  function renderCart() {
    const root = document.querySelector('[data-cart-root]');
    const cart = loadCart();
    if (!cart.length) {
      root.innerHTML = `<div class="message"><h2>Your cart is empty</h2><p class="muted">Find something you will keep for years.</p><a class="btn" href="/">Browse the shop</a></div>`;
      return;
    }
    const rows = cart
      .map((i) => {
        const p = catalog.products[i.slug];
        return `<div class="cart-row" data-line="${escapeHtml(i.slug)}">${p.art}
          <a class="name" href="/product/${escapeHtml(i.slug)}">${escapeHtml(p.name)}<br><span class="muted">${money.format(p.price)}</span></a>
          <span class="stepper"><button type="button" data-dec aria-label="One less">−</button><span data-line-qty>${i.quantity}</span><button type="button" data-inc aria-label="One more">+</button></span>
          <strong>${money.format(round(p.price * i.quantity))}</strong>
          <button class="link-button" type="button" data-remove>Remove</button></div>`;
      })
      .join('');
    const sub = subtotal(cart);
    root.innerHTML = `${rows}<div class="cart-total"><span class="muted">Shipping ${shipping(sub) ? money.format(shipping(sub)) : 'free'}</span>
      <span>Subtotal <span class="sum" data-cart-subtotal>${money.format(sub)}</span></span>
      <a class="btn" href="/checkout">Proceed to checkout</a></div>`;
  }
  if (page === 'cart') {
    renderCart();
    document.querySelector('[data-cart-root]').addEventListener('click', (event) => {
      const line = event.target.closest('[data-line]');
      if (!line) return;
      const slug = line.dataset.line;
      const quantity = loadCart().find((i) => i.slug === slug)?.quantity ?? 0;
      if (event.target.closest('[data-inc]')) addToCart(slug, 1);
      else if (event.target.closest('[data-dec]')) removeFromCart(slug, 1);
      else if (event.target.closest('[data-remove]')) removeFromCart(slug, quantity);
      else return;
      renderCart();
    });
  }

  function renderSummary(cart) {
    const sub = subtotal(cart);
    const lines = cart
      .map((i) => {
        const p = catalog.products[i.slug];
        return `<div class="summary-line"><span>${escapeHtml(p.name)} × ${i.quantity}</span><span>${money.format(round(p.price * i.quantity))}</span></div>`;
      })
      .join('');
    document.querySelector('[data-checkout-summary]').innerHTML = `<h2>Order summary</h2>${lines}
      <div class="summary-line"><span>Shipping</span><span>${shipping(sub) ? money.format(shipping(sub)) : 'Free'}</span></div>
      <div class="summary-line total"><span>Total</span><span data-checkout-total>${money.format(round(sub + shipping(sub)))}</span></div>`;
  }
  if (page === 'checkout') {
    const cart = loadCart();
    const form = document.querySelector('[data-checkout-form]');
    const error = document.querySelector('[data-form-error]');
    if (!cart.length) {
      document.querySelector('.checkout').innerHTML =
        `<div class="message"><h2>Your cart is empty</h2><a class="btn" href="/">Browse the shop</a></div>`;
    } else {
      renderSummary(cart);
      const sub = subtotal(cart);
      track('checkout_started', {
        value: round(sub + shipping(sub)),
        currency: catalog.currency,
        quantity: itemCount(cart),
      });
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        error.hidden = true;
        for (const input of form.querySelectorAll('input'))
          input.setAttribute('aria-invalid', String(!input.checkValidity()));
        if (!form.checkValidity()) {
          error.textContent = 'Please fill in the highlighted fields.';
          error.hidden = false;
          return;
        }
        const data = new FormData(form);
        const customer = Object.fromEntries(
          ['email', 'name', 'address', 'zip', 'city', 'country'].map((k) => [k, String(data.get(k))]),
        );
        const button = form.querySelector('button[type=submit]');
        button.disabled = true;
        try {
          const response = await fetch('/api/orders', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              items: loadCart().map((i) => ({ slug: i.slug, quantity: i.quantity })),
              customer,
              payment: String(data.get('payment')),
            }),
          });
          const body = await response.json();
          if (!response.ok) throw new Error(body.error?.message || 'The order could not be placed.');
          window.floorwalker('identify', {
            email: customer.email,
            name: customer.name,
            country: customer.country,
          });
          localStorage.setItem(CART_KEY, '[]');
          location.assign(`/thank-you?order=${encodeURIComponent(body.orderId)}`);
        } catch (e) {
          error.textContent = e instanceof Error ? e.message : 'The order could not be placed.';
          error.hidden = false;
          button.disabled = false;
        }
      });
    }
  }

  // The confirmation page reports the purchase, once per order (a reload does not count twice).
  if (page === 'thank-you') {
    const order = document.querySelector('[data-order]');
    if (order) {
      const tracked = JSON.parse(localStorage.getItem(TRACKED_KEY) || '[]');
      if (!tracked.includes(order.dataset.order)) {
        track('purchase', {
          value: Number(order.dataset.orderTotal),
          currency: order.dataset.orderCurrency,
          orderId: order.dataset.order,
          quantity: Number(order.dataset.orderItems),
        });
        localStorage.setItem(TRACKED_KEY, JSON.stringify([...tracked, order.dataset.order].slice(-50)));
      }
    }
  }

  renderCount(false);
})();
