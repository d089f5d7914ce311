/**
 * The queue stub that makes `floorwalker('event', …)` callable before the script has loaded.
 * The snippet and demo pages must use this exact text.
 */
export const SNIPPET_STUB =
  'window.floorwalker=window.floorwalker||function(){(floorwalker.q=floorwalker.q||[]).push(arguments)};';

function escapeAttribute(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('"', '&quot;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;');
}

/** The two `<script>` tags a shop pastes into every page, for one site and collector. */
export function installSnippet(collectorPublicUrl: string, siteId: string): string {
  const base = collectorPublicUrl.replace(/\/+$/, '');
  return (
    `<script>${SNIPPET_STUB}</script>` +
    `<script async src="${escapeAttribute(`${base}/snippet.js`)}" data-site="${escapeAttribute(siteId)}"></script>`
  );
}
