/** Options of {@link compileWildcard}. */
export interface WildcardOptions {
  /** Match letters case-sensitively. Default false. */
  caseSensitive?: boolean;
}

const SPECIAL = /[\\^$.*+?()[\]{}|/-]/g;

/** Escapes a literal for use in a regular expression without the `u` flag. */
export function escapeRegExp(literal: string): string {
  return literal.replace(SPECIAL, '\\$&');
}

/**
 * Compiles a wildcard pattern to an anchored regular expression: `*` matches any run of
 * characters (none, `/` and newlines included), everything else is literal.
 * `/products/*\/reviews` matches `/products/42/reviews` but not `/products/42/reviews/2`.
 *
 * A naive `.*` per star backtracks polynomially (`*a*a*a*` on a long string without a match).
 * Instead every literal between two stars is found with an atomic look-ahead
 * `(?=([\s\S]*?lit))\N`: the leftmost occurrence is taken and never revisited. Taking the leftmost
 * occurrence of each middle literal is always right for globs (it leaves the longest rest for the
 * remaining literals), and the last literal is anchored at the end, so matching costs at most
 * input length × pattern length steps whatever the input.
 */
export function compileWildcard(pattern: string, options: WildcardOptions = {}): RegExp {
  const flags = options.caseSensitive ? '' : 'i';
  const parts = pattern.split('*');
  if (parts.length === 1) return new RegExp(`^${escapeRegExp(pattern)}$`, flags);
  const first = parts[0] ?? '';
  const last = parts[parts.length - 1] ?? '';
  let source = `^${escapeRegExp(first)}`;
  let group = 0;
  for (const middle of parts.slice(1, -1)) {
    if (middle === '') continue;
    group += 1;
    source += `(?=([\\s\\S]*?${escapeRegExp(middle)}))\\${group}`;
  }
  source += `[\\s\\S]*${escapeRegExp(last)}$`;
  return new RegExp(source, flags);
}
