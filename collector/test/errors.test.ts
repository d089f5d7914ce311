import { errorBody } from '@floorwalker/protocol';
import { describe, expect, it } from 'vitest';
import { CollectorError, collectorErrors, toCollectorError } from '../src/errors.ts';

describe('error catalogue', () => {
  it('gives every code a 4xx or 5xx status and the shared body shape', () => {
    for (const code of Object.keys(collectorErrors) as (keyof typeof collectorErrors)[]) {
      const body = new CollectorError(code).toBody();
      expect(errorBody.parse(body).error.code).toBe(code);
      expect(body.error.statusCode).toBeGreaterThanOrEqual(400);
    }
  });

  it("maps fastify's body errors to catalogued codes and hides unexpected ones", () => {
    expect(toCollectorError({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }).code).toBe(
      'FW_INGEST_BODY_TOO_LARGE',
    );
    expect(toCollectorError({ code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 }).statusCode).toBe(
      415,
    );
    const timeout = toCollectorError({ code: 'FST_ERR_SOMETHING', statusCode: 408, message: 'slow' });
    expect([timeout.code, timeout.statusCode]).toEqual(['FW_HTTP_BAD_REQUEST', 408]);
    const internal = toCollectorError(new TypeError('secret detail'));
    expect([internal.code, internal.statusCode, internal.message]).toEqual([
      'FW_INTERNAL',
      500,
      'Internal error.',
    ]);
  });
});
