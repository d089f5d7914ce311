import { errorBody, ingestResponse } from '@floorwalker/protocol';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageView, randomId, startTestCollector, type TestCollector } from '../helpers/collector-app.ts';

let c: TestCollector;
let siteId: string;
beforeAll(async () => {
  c = await startTestCollector({ RATE_LIMIT_PER_IP_PER_MIN: '0', RATE_LIMIT_PER_SITE_PER_MIN: '0' });
  siteId = (await c.addSite()).siteId;
});
afterAll(async () => {
  await c?.close();
});

const deep = (depth: number, open: string, close: string) => `${open.repeat(depth)}1${close.repeat(depth)}`;

/** Fields of a valid page view, each replaced by anything at random. */
const mangledEvent = fc
  .record({
    field: fc.constantFrom(
      'id',
      'ts',
      'visitorId',
      'sessionId',
      'pageViewId',
      'url',
      'title',
      'type',
      'props',
      '__proto__',
    ),
    value: fc.oneof(fc.anything(), fc.string({ maxLength: 3000 }), fc.double(), fc.constant(null)),
  })
  .map(({ field, value }) => ({ ...pageView({ visitorId: 'visitor_hostile' }), [field]: value }));

/** Bodies no honest snippet sends. */
const hostileBody = (siteId: string): fc.Arbitrary<string | Buffer> =>
  fc.oneof(
    fc.string({ maxLength: 500 }),
    fc.uint8Array({ maxLength: 2000 }).map((bytes) => Buffer.from(bytes)),
    // A valid batch with a few bytes flipped: invalid UTF-8, broken JSON, or still valid.
    fc.tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 255 })).map(([pos, byte]) => {
      const buf = Buffer.from(JSON.stringify({ site: siteId, sentAt: Date.now(), events: [pageView()] }));
      buf[pos % buf.length] = byte;
      return buf;
    }),
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.anything().map((v) => JSON.stringify({ site: siteId, sentAt: Date.now(), events: v }) ?? 'undefined'),
    fc
      .record({
        site: fc.oneof(
          fc.constant(siteId),
          fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
          fc.string({ maxLength: 70 }),
          fc.anything(),
        ),
        sentAt: fc.oneof(fc.integer(), fc.double(), fc.string()),
        events: fc.array(fc.oneof(mangledEvent, fc.anything()), { maxLength: 120 }),
      })
      .map((b) => JSON.stringify(b)),
    fc
      .array(mangledEvent, { minLength: 1, maxLength: 100 })
      .map((events) => JSON.stringify({ site: siteId, sentAt: Date.now(), events })),
    fc.integer({ min: 1, max: 100_000 }).map((d) => deep(d, '[', ']')),
    fc.integer({ min: 1, max: 60_000 }).map((d) => deep(d, '{"a":', '}')),
    fc
      .integer({ min: 1, max: 100_000 })
      .map((d) =>
        JSON.stringify({ site: siteId, sentAt: 1, events: [{ ...pageView(), props: { a: 1 } }] }).replace(
          '{"a":1}',
          deep(d, '{"a":', '}'),
        ),
      ),
    fc
      .integer({ min: 1_000, max: 400_000 })
      .map((n) => JSON.stringify({ site: siteId, sentAt: 1, events: [pageView({ title: 'x'.repeat(n) })] })),
    fc.constantFrom('', ' ', 'null', '[]', '{}', '"\\ud800"', '{"site":"\\u0000"}', '\uFEFF{}'),
  );

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('text/plain', 'text/plain;charset=UTF-8', 'application/json') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'application/json; charset=latin1',
      'application/octet-stream',
      'multipart/form-data; boundary=x',
      'text/html',
      '',
    ),
  },
);

function expectHandled(res: { statusCode: number; json(): unknown }) {
  expect(res.statusCode).toBeGreaterThanOrEqual(200);
  expect(res.statusCode).toBeLessThan(500);
  if (res.statusCode >= 400) expect(errorBody.parse(res.json()).error.code).toMatch(/^FW_[A-Z_]+$/);
  else ingestResponse.parse(res.json());
}

describe('hostile input', () => {
  it('answers every hostile batch with 2xx or a coded 4xx, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileBody(siteId),
        contentType,
        fc.option(fc.string({ maxLength: 300 })),
        async (payload, type, ua) => {
          const res = await c.app.inject({
            method: 'POST',
            url: '/v1/events',
            headers: {
              ...(type ? { 'content-type': type } : {}),
              ...(ua !== null ? { 'user-agent': ua } : {}),
            },
            payload,
          });
          expectHandled(res);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('answers a 10 MB body with 413 and keeps serving', async () => {
    const res = await c.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { 'content-type': 'text/plain' },
      payload: Buffer.alloc(10 * 1024 * 1024, 0x61),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('FW_INGEST_BODY_TOO_LARGE');
  });

  it('answers hostile methods and paths with coded 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'POST', 'OPTIONS'),
        fc.webPath(),
        async (method, path) => {
          const res = await c.app.inject({ method, url: path || '/' });
          expect(res.statusCode).toBeLessThan(500);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('still stores a valid batch after all of that', async () => {
    const event = pageView({ visitorId: randomId('visitor') });
    const res = await c.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { 'content-type': 'text/plain' },
      payload: JSON.stringify({ site: siteId, sentAt: Date.now(), events: [event] }),
    });
    expect(res.json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    expect((await c.streamEntries()).some((e) => e.event.id === event.id)).toBe(true);
  });
});
