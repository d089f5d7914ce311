/** A tiny synchronous key-value store; setting `null` deletes. */
export interface KeyValue {
  get(key: string): string | null | undefined;
  set(key: string, value: string | null): void;
}

/**
 * The two stores of the snippet: `small` for ids and flags (localStorage, else a first-party
 * cookie, so a visitor keeps their id when storage is blocked) and `bulk` for the outbox
 * (localStorage, else memory: pending events must never travel in cookies to the shop's server).
 */
export function openStores(): { small: KeyValue; bulk: KeyValue } {
  try {
    // Throws in some privacy modes and sandboxed frames.
    const s = localStorage;
    s.setItem('fw_t', '1');
    s.removeItem('fw_t');
    const local: KeyValue = {
      get: (k) => s.getItem(k),
      set: (k, v) => (v == null ? s.removeItem(k) : s.setItem(k, v)),
    };
    return { small: local, bulk: local };
  } catch {}
  const m = new Map<string, string>();
  const memory: KeyValue = { get: (k) => m.get(k), set: (k, v) => (v == null ? m.delete(k) : m.set(k, v)) };
  const cookies: KeyValue = {
    get: (k) => {
      const hit = document.cookie.split('; ').find((c) => c.startsWith(`${k}=`));
      return hit && decodeURIComponent(hit.slice(k.length + 1));
    },
    set: (k, v) => {
      // The Cookie Store API is async and missing in Firefox and Safari; this store must be sync.
      // biome-ignore lint/suspicious/noDocumentCookie: the fallback for browsers that block localStorage.
      document.cookie = `${k}=${encodeURIComponent(v ?? '')};path=/;max-age=${v == null ? 0 : 31536000};SameSite=Lax${location.protocol === 'https:' ? ';Secure' : ''}`;
    },
  };
  return { small: navigator.cookieEnabled ? cookies : memory, bulk: memory };
}
