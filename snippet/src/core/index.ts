/**
 * The tracking core chunk (`snippet-core.js`): everything the eager loader (`snippet.js`) leaves
 * out (events, outbox and transport, engagement, route changes, heartbeats, chunk loading). The
 * loader fetches it at once from next to itself and hands over its options, the page it captured
 * and the calls made so far; from then on every `floorwalker(…)` call runs here.
 */
import { registerChunk } from '../chunks/load-chunk.ts';
import { createTracker, runCommand } from './create-tracker.ts';
import type { CoreHandoff } from './early-page.ts';

registerChunk<CoreHandoff>('core', (handoff) => {
  const api = createTracker(handoff.options, handoff.page);
  handoff.run = (call) => runCommand(api, call);
});
