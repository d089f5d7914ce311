/**
 * The module build for single-page apps: `import { init } from '@floorwalker/snippet'`.
 * Same tracker as the script tag, without any global.
 */
import { createTracker, type FloorwalkerApi, type TrackerOptions } from './core/create-tracker.ts';

export type { ChunkContext, ChunkFactory } from './chunks/load-chunk.ts';
export type { FloorwalkerApi, TrackerOptions } from './core/create-tracker.ts';

let instance: FloorwalkerApi | undefined;

/**
 * Starts tracking and returns the API (`track`, `identify`, `page`, `optout`, `optin`, `flush`,
 * `load`). Call once; later calls return the first instance.
 */
export function init(options: TrackerOptions): FloorwalkerApi {
  instance ??= createTracker(options);
  return instance;
}
