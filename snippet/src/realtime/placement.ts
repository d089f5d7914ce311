/**
 * Where a panel sits: a corner card (`br`, `tr`, `bl`), a full-width sheet (`bs`, `ts`), or a
 * bubble on the right edge (`re`) at `top` px.
 */
export type Placement = 'br' | 'tr' | 'bl' | 'bs' | 'ts' | 're';

export interface Spot {
  place: Placement;
  compact: boolean;
  /** Top of an `re` bubble's footprint, px from the top of the viewport. */
  top?: number;
}

/** Below this viewport width panels become sheets. */
const NARROW = 640;
/** A corner card's footprint including its margin. */
const CARD_WIDTH = 372;
/** A collapsed bubble's footprint including its margin. */
const BUBBLE = 84;

/** Form controls: covering one would stop the visitor from using the page. */
const CONTROL = 'button,input:not([type=hidden]),select,textarea,[role=button],[data-fw-avoid]';

interface Area {
  place: Placement;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

function hasFixedAncestor(element: Element, memo: Map<Element, boolean>): boolean {
  const known = memo.get(element);
  if (known !== undefined) return known;
  const position = getComputedStyle(element).position;
  const parent = element.parentElement;
  const fixed = position === 'fixed' || position === 'sticky' || (!!parent && hasFixedAncestor(parent, memo));
  memo.set(element, fixed);
  return fixed;
}

/**
 * Whether a panel in `area` would cover something the visitor needs: an element the shop marked
 * `data-fw-avoid` (its checkout button, say), any visible form control, or a link in a fixed or
 * sticky bar (sticky "Checkout" bars and bottom navigation cannot be scrolled out from under the
 * panel; links in the page's flow can). Hit-tests a grid of points, so only what is really on
 * top at each point counts.
 */
function covers(area: Area, host: Element, memo: Map<Element, boolean>): boolean {
  for (const marked of document.querySelectorAll('[data-fw-avoid]')) {
    const r = marked.getBoundingClientRect();
    if (
      r.width &&
      r.height &&
      r.left < area.right &&
      r.right > area.left &&
      r.top < area.bottom &&
      r.bottom > area.top
    ) {
      return true;
    }
  }
  for (let y = area.top + 4; y < area.bottom; y += 20) {
    for (let x = area.left + 4; x < area.right; x += 34) {
      const hit = document.elementsFromPoint(x, y).find((e) => e !== host);
      if (!hit) continue;
      if (hit.closest(CONTROL)) return true;
      const link = hit.closest('a[href]');
      if (link && hasFixedAncestor(link, memo)) return true;
    }
  }
  return false;
}

/**
 * Chooses where a panel of `height` px goes: on wide screens the bottom-right corner, else the
 * top-right, else the bottom-left; on narrow ones a bottom sheet, else a top sheet. When every
 * spot would cover the page's controls, a `compact` bubble goes in the first free corner, else
 * the lowest free spot on the right edge (when `allowCompact`; a panel the visitor opened
 * themselves takes the first spot instead).
 * `current` is kept while it is still free, so the panel does not jump around as the page scrolls.
 */
export function choosePlacement(host: Element, height: number, allowCompact: boolean, current?: Spot): Spot {
  const w = innerWidth;
  const h = innerHeight;
  const ph = Math.min(height, h) + 24;
  const memo = new Map<Element, boolean>();
  const narrow = w < NARROW;
  const full: Area[] = narrow
    ? [
        { place: 'bs', left: 0, top: h - ph, right: w, bottom: h },
        { place: 'ts', left: 0, top: 0, right: w, bottom: ph },
      ]
    : [
        { place: 'br', left: w - CARD_WIDTH, top: h - ph, right: w, bottom: h },
        { place: 'tr', left: w - CARD_WIDTH, top: 0, right: w, bottom: ph },
        { place: 'bl', left: 0, top: h - ph, right: CARD_WIDTH, bottom: h },
      ];
  const corners: Area[] = [
    { place: 'br', left: w - BUBBLE, top: h - BUBBLE, right: w, bottom: h },
    { place: 'tr', left: w - BUBBLE, top: 0, right: w, bottom: BUBBLE },
    { place: 'bl', left: 0, top: h - BUBBLE, right: BUBBLE, bottom: h },
  ];
  const candidates: Spot[] = full.map((a) => ({ place: a.place, compact: false }));
  const areas = new Map<Spot, Area>(full.map((a, i) => [candidates[i] as Spot, a]));
  if (allowCompact) {
    for (const a of corners) {
      const spot: Spot = { place: a.place, compact: true };
      candidates.push(spot);
      areas.set(spot, a);
    }
    // Sticky bars often span the whole width: then no corner is free, but the edge between them is.
    for (let top = h - BUBBLE - 40; top >= 0; top -= 40) {
      const spot: Spot = { place: 're', compact: true, top };
      candidates.push(spot);
      areas.set(spot, { place: 're', left: w - BUBBLE, top, right: w, bottom: top + BUBBLE });
    }
  }
  const free = (spot: Spot) => !covers(areas.get(spot) as Area, host, memo);
  const keep = candidates.find(
    (c) => c.place === current?.place && c.compact === current.compact && c.top === current.top,
  );
  if (keep && free(keep)) return keep;
  return (
    candidates.find(free) ??
    (allowCompact ? { place: 'tr', compact: true } : { place: narrow ? 'ts' : 'tr', compact: false })
  );
}
