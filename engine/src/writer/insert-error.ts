/**
 * ClickHouse error codes meaning "this data can never be inserted" (as opposed to "try again
 * later"): parse failures, type mismatches, values out of range. A batch failing with one of these
 * is split to find the rows at fault; any other failure is retried as a whole, forever.
 */
const DATA_ERROR_CODES = new Set([6, 26, 27, 32, 38, 41, 53, 69, 70, 72, 117, 130, 131, 321, 349]);

/** True when an insert failed because of its data, not because ClickHouse is unavailable. */
export function isDataError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  const code = /Code:\s*(\d+)/.exec(message)?.[1];
  if (code !== undefined) return DATA_ERROR_CODES.has(Number(code));
  return /Cannot parse|CANNOT_PARSE|Type mismatch/i.test(message);
}
