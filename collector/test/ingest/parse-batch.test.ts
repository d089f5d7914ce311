import { batchEnvelope } from '@floorwalker/protocol';
import { describe, expect, it } from 'vitest';
import { CollectorError } from '../../src/errors.ts';
import { decodeBody } from '../../src/ingest/decode-body.ts';
import { parseEnvelope, parseEvents } from '../../src/ingest/parse-batch.ts';
import { pageView } from '../helpers/collector-app.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof CollectorError ? error.code : 'not a CollectorError';
  }
  return undefined;
}

describe('decodeBody', () => {
  it('parses UTF-8 JSON, with or without a BOM', () => {
    expect(decodeBody(Buffer.from('{"a":"ü"}'))).toEqual({ a: 'ü' });
    expect(decodeBody(Buffer.from('\uFEFF[1]'))).toEqual([1]);
  });

  it('rejects invalid UTF-8 instead of storing replacement characters', () => {
    expect(codeOf(() => decodeBody(Buffer.from([0x22, 0xc3, 0x28, 0x22])))).toBe('FW_INGEST_BAD_ENCODING');
  });

  it('tells empty bodies from malformed JSON', () => {
    expect(codeOf(() => decodeBody(Buffer.alloc(0)))).toBe('FW_INGEST_EMPTY_BODY');
    expect(codeOf(() => decodeBody(Buffer.from('  \n')))).toBe('FW_INGEST_EMPTY_BODY');
    expect(codeOf(() => decodeBody(undefined))).toBe('FW_INGEST_EMPTY_BODY');
    expect(codeOf(() => decodeBody(Buffer.from('{"a":')))).toBe('FW_INGEST_BAD_JSON');
  });
});

describe('parseEnvelope', () => {
  it('reports each bad envelope field by path', () => {
    try {
      parseEnvelope({ site: 'bad site!', sentAt: -1, events: 'no' });
      expect.unreachable();
    } catch (error) {
      expect((error as CollectorError).code).toBe('FW_INGEST_BAD_BATCH');
      expect((error as CollectorError).issues?.map((i) => i.path)).toEqual([
        ['site'],
        ['sentAt'],
        ['events'],
      ]);
    }
  });

  it('accepts exactly the envelopes the schema accepts', () => {
    const good = { site: 'site_1', sentAt: 1_760_000_000_000, events: [{}] };
    const variants: unknown[] = [
      good,
      { ...good, extra: true },
      null,
      [],
      'batch',
      ...[
        ['site', ['', 's'.repeat(64), 's'.repeat(65), 'bad site', 'ü', 42, null]] as const,
        ['sentAt', [0, -1, 1.5, 8_640_000_000_000, 8_640_000_000_001, '1', null, 2 ** 53]] as const,
        ['events', [[], Array(100).fill({}), Array(101).fill({}), {}, 'x', null]] as const,
      ].flatMap(([key, values]) => [
        Object.fromEntries(Object.entries(good).filter(([k]) => k !== key)),
        ...values.map((value) => ({ ...good, [key]: value })),
      ]),
    ];
    for (const payload of variants) {
      const expected = batchEnvelope.safeParse(payload);
      const code = codeOf(() => parseEnvelope(payload));
      expect(code, JSON.stringify(payload)?.slice(0, 80)).toBe(
        expected.success ? undefined : 'FW_INGEST_BAD_BATCH',
      );
      if (expected.success) expect(parseEnvelope(payload)).toEqual(expected.data);
    }
  });

  it('refuses more events than the protocol allows', () => {
    expect(codeOf(() => parseEnvelope({ site: 's1', sentAt: 1, events: Array(101).fill({}) }))).toBe(
      'FW_INGEST_BAD_BATCH',
    );
  });
});

describe('parseEvents', () => {
  it('keeps valid events and reports the others by index with paths relative to the event', () => {
    const { valid, rejected } = parseEvents([
      pageView(),
      { ...pageView(), ts: 'now' },
      42,
      pageView({ title: 'ok' }),
    ]);
    expect(valid.map((v) => v.index)).toEqual([0, 3]);
    expect(rejected.map((r) => [r.index, r.code])).toEqual([
      [1, 'FW_INGEST_BAD_EVENT'],
      [2, 'FW_INGEST_BAD_EVENT'],
    ]);
    expect(rejected[0]?.issues).toEqual([expect.objectContaining({ path: ['ts'] })]);
  });

  it('bounds the issues reported for one event', () => {
    const props = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`p${i}`, { nested: true }]));
    const { rejected } = parseEvents([{ ...pageView(), type: 'custom', name: 'x', props }]);
    expect(rejected[0]?.issues.length).toBeLessThanOrEqual(20);
  });
});
