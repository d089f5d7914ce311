/**
 * The lazily loaded realtime chunk (`snippet-realtime.js`): the tracker loads it after the page
 * has loaded; it hands its factory over through `registerChunk` (no global).
 */
import { registerChunk } from '../chunks/load-chunk.ts';
import { startRealtime } from './start-realtime.ts';

registerChunk('realtime', startRealtime);
