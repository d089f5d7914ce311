/** A JSON value as stored in a trigger definition. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** One difference between two trigger definitions. */
export interface DiffEntry {
  /** Where it is, from the definition's root (`['conditions', 'conditions', 0, 'compare', 'value']`). */
  path: (string | number)[];
  /** `added`: only in the newer version; `removed`: only in the older; `changed`: in both, different. */
  kind: 'added' | 'removed' | 'changed';
  before?: Json;
  after?: Json;
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Structural diff of two JSON documents: objects by key (sorted, so the order keys were written
 * in does not matter), arrays by position, anything else by value. A value that changes kind
 * (object to array, string to number) is one `changed` entry at its path. Pure and isomorphic:
 * the dashboard server answers the diff API with it and the app could run it on a draft.
 */
export function diffJson(
  before: Json | undefined,
  after: Json | undefined,
  path: (string | number)[] = [],
): DiffEntry[] {
  if (before === undefined && after === undefined) return [];
  if (before === undefined) return [{ path, kind: 'added', after: after as Json }];
  if (after === undefined) return [{ path, kind: 'removed', before }];
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => diffJson(before[key], after[key], [...path, key]));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const out: DiffEntry[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      out.push(...diffJson(before[i], after[i], [...path, i]));
    }
    return out;
  }
  if (before === after) return [];
  return [{ path, kind: 'changed', before, after }];
}
