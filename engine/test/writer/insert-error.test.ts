import { describe, expect, it } from 'vitest';
import { isDataError } from '../../src/writer/insert-error.ts';

describe('isDataError', () => {
  it('recognises parse failures of embedded ClickHouse (26.x message format)', () => {
    const error = new Error(
      "Code: 27. DB::Exception: Cannot parse input: expected '\"' before: 'x'. (CANNOT_PARSE_INPUT_ASSERTION_FAILED)",
    );
    expect(isDataError(error)).toBe(true);
    expect(
      isDataError(new Error('Code: 41. DB::Exception: Cannot read DateTime. (CANNOT_PARSE_DATETIME)')),
    ).toBe(true);
  });

  it('recognises parse failures of the 18.16 server (message format with a comma)', () => {
    expect(
      isDataError(new Error('Code: 26, e.displayText() = DB::Exception: Cannot parse quoted string')),
    ).toBe(true);
  });

  it('treats an unavailable server or a missing table as temporary', () => {
    expect(isDataError(new Error('connect ECONNREFUSED 127.0.0.1:8123'))).toBe(false);
    expect(
      isDataError(new Error('Code: 60. DB::Exception: Table db.events does not exist. (UNKNOWN_TABLE)')),
    ).toBe(false);
    expect(isDataError(new Error('Code: 252, e.displayText() = DB::Exception: Too many parts (300)'))).toBe(
      false,
    );
  });
});
