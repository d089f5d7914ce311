import { CollectorError } from '../errors.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Turns the raw request body into a JSON value.
 *
 * Browsers always send well-formed UTF-8 (`JSON.stringify` escapes lone surrogates), so a body
 * that is not valid UTF-8 comes from a broken or hostile client: it is rejected with
 * `FW_INGEST_BAD_ENCODING` rather than silently repaired with U+FFFD, which would store
 * corrupted text. A leading BOM is tolerated.
 */
export function decodeBody(body: unknown): unknown {
  let text: string;
  if (Buffer.isBuffer(body)) {
    if (body.length === 0) throw new CollectorError('FW_INGEST_EMPTY_BODY');
    try {
      text = utf8.decode(body);
    } catch {
      throw new CollectorError('FW_INGEST_BAD_ENCODING');
    }
  } else if (typeof body === 'string') {
    text = body;
  } else {
    throw new CollectorError('FW_INGEST_EMPTY_BODY');
  }
  if (text.trim() === '') throw new CollectorError('FW_INGEST_EMPTY_BODY');
  try {
    return JSON.parse(text);
  } catch (error) {
    // V8's message names the position of the first bad character, which helps client authors.
    throw new CollectorError('FW_INGEST_BAD_JSON', {
      message: `The request body is not valid JSON: ${(error as Error).message.slice(0, 200)}`,
    });
  }
}
