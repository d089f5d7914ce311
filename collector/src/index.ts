export { buildCollector, type CollectorDeps } from './build-collector.ts';
export { type CollectorConfig, collectorEnvShape, loadCollectorConfig } from './config.ts';
export { CollectorError, type CollectorErrorCode, collectorErrors } from './errors.ts';
export { STREAM_FIELD } from './ingest/append-events.ts';
export { CHUNK_PREFIX, LOADER_FILE } from './snippet/snippet-route.ts';
