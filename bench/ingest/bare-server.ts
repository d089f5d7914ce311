import { LIMITS } from '@floorwalker/protocol';
import Fastify, { type FastifyInstance } from 'fastify';

/**
 * The baseline of the collector benchmark: a bare Fastify app that takes the same `text/plain`
 * batch at the same path and body limit, `JSON.parse`s it and answers 200 with the collector's
 * response shape, and does nothing else (no validation, enrichment, dedupe, Redis or metrics).
 * What the collector costs on top of this is what the benchmark compares.
 */
export function buildBareIngest(): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: LIMITS.maxBodyBytes });
  // Fastify's built-in text/plain parser hands the body over as a string.
  app.post('/v1/events', async (request) => {
    const batch = JSON.parse(request.body as string) as { events: unknown[] };
    return { accepted: batch.events.length, duplicates: 0, rejected: [] };
  });
  return app;
}
