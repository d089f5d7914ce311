import { isUtf8 } from 'node:buffer';
import { CollectorError } from '../errors.ts';

/** True when the body starts with the UTF-8 byte order mark (EF BB BF). */
const hasBom = (body: Buffer) => body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf;

/**
 * Turns the raw request body into a JSON value.
 *
 * Browsers always send well-formed UTF-8 (`JSON.stringify` escapes lone surrogates), so a body
 * that is not valid UTF-8 comes from a broken or hostile client: it is rejected with
 * `FW_INGEST_BAD_ENCODING` rather than silently repaired with U+FFFD, which would store
 * corrupted text. A leading BOM is tolerated. (`isUtf8` plus `toString` is the fast path for
 * this: both are native and several times cheaper than a fatal `TextDecoder`.)
 */
export function decodeBody(body: unknown): unknown {
  let text: string;
  if (Buffer.isBuffer(body)) {
    if (body.length === 0) throw new CollectorError('FW_INGEST_EMPTY_BODY');
    if (!isUtf8(body)) throw new CollectorError('FW_INGEST_BAD_ENCODING');
    text = (hasBom(body) ? body.subarray(3) : body).toString('utf8');
  } else if (typeof body === 'string') {
    text = body;
  } else {
    throw new CollectorError('FW_INGEST_EMPTY_BODY');
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    if (text.trim() === '') throw new CollectorError('FW_INGEST_EMPTY_BODY');
    // V8's message names the position of the first bad character, which helps client authors.
    throw new CollectorError('FW_INGEST_BAD_JSON', {
      message: `The request body is not valid JSON: ${(error as Error).message.slice(0, 200)}`,
    });
  }
}
