import recheck from 'recheck/lib/browser.js';
import { findNestedQuantifier } from './nested-quantifier.ts';

/** Limits on user-supplied patterns (trigger conditions). */
export const PATTERN_LIMITS = {
  /** Longest accepted regular expression or wildcard pattern, in characters. */
  maxPatternLength: 300,
  /** Most `*` in one wildcard pattern. */
  maxWildcardStars: 10,
  /**
   * Accepted regular expression flags. `g` and `y` make `RegExp#test` stateful, `m` and `d`
   * add nothing when matching one URL or title, `v` is not understood by the checker.
   */
  allowedRegexFlags: 'isu',
  /**
   * Budget of the static backtracking analysis, ms; a pattern that exhausts it is rejected.
   * Only a safety net: the nested-quantifier pre-check removes the shapes that take long.
   */
  analysisTimeoutMs: 10_000,
} as const;

/** Outcome of {@link checkRegexSafety}. */
export type PatternVerdict = { ok: true } | { ok: false; message: string };

const verdicts = new Map<string, PatternVerdict>();
const MAX_CACHED = 500;

/**
 * Decides whether a user-supplied regular expression may be run against visitor-controlled
 * strings (URLs, titles, referrers, event properties).
 *
 * First a structural check refuses nested repetition (`(a+)+`, `(.*a){12}`) outright: the classic
 * catastrophic shape, and the one that makes exact analysis slow. Then recheck's automaton
 * checker (exact for the regular subset of JS regexps) decides:
 * a pattern is accepted only when it proves matching is linear. Exponential AND polynomial
 * ambiguity are rejected: the strings are attacker-controlled and a cubic pattern on a 2 KB
 * URL already costs over half a second per match. Look-arounds and back-references that the
 * automaton cannot model are rejected with a message saying so (wildcards and plain operators
 * cover what they are usually used for); trivial ones it can model pass. Results are memoised (bounded) because editors
 * validate on every change and the analysis can take tens of milliseconds.
 */
export function checkRegexSafety(source: string, flags = ''): PatternVerdict {
  const key = `${flags}/${source}`;
  const cached = verdicts.get(key);
  if (cached) return cached;
  const verdict = analyse(source, flags);
  if (verdicts.size >= MAX_CACHED) {
    const oldest = verdicts.keys().next();
    if (!oldest.done) verdicts.delete(oldest.value);
  }
  verdicts.set(key, verdict);
  return verdict;
}

function analyse(source: string, flags: string): PatternVerdict {
  if (source.length === 0) return { ok: false, message: 'regular expression must not be empty' };
  if (source.length > PATTERN_LIMITS.maxPatternLength) {
    return {
      ok: false,
      message: `regular expression longer than ${PATTERN_LIMITS.maxPatternLength} characters`,
    };
  }
  for (const flag of flags) {
    if (!PATTERN_LIMITS.allowedRegexFlags.includes(flag)) {
      return { ok: false, message: `regular expression flag "${flag}" is not allowed (allowed: i, s, u)` };
    }
  }
  if (new Set(flags).size !== flags.length) return { ok: false, message: 'regular expression flags repeat' };
  try {
    new RegExp(source, flags);
  } catch (error) {
    return { ok: false, message: `invalid regular expression: ${(error as Error).message}` };
  }
  const nested = findNestedQuantifier(source);
  if (nested) {
    return {
      ok: false,
      message: `regular expression may backtrack catastrophically: nested quantifier at "${nested.text}" (index ${nested.index}); repeat a single character class instead`,
    };
  }
  const diagnostics = recheck.checkSync(source, flags, {
    checker: 'automaton',
    timeout: PATTERN_LIMITS.analysisTimeoutMs,
  });
  switch (diagnostics.status) {
    case 'safe':
      return { ok: true };
    case 'vulnerable': {
      const spots = diagnostics.hotspot
        .filter((spot) => spot.temperature === 'heat')
        .slice(0, 3)
        .map((spot) => `"${source.slice(spot.start, spot.end)}" (index ${spot.start})`);
      const where = spots.length > 0 ? spots.join(', ') : `"${source}"`;
      const kind =
        diagnostics.complexity.type === 'exponential'
          ? 'nested or overlapping quantifier'
          : 'overlapping quantifiers';
      return {
        ok: false,
        message: `regular expression may backtrack catastrophically (${diagnostics.complexity.summary}): ${kind} at ${where}; use a narrower class such as [^/]* instead of .*`,
      };
    }
    case 'unknown': {
      const error = diagnostics.error;
      if (error.kind === 'unsupported') {
        return {
          ok: false,
          message: `regular expression cannot be checked for catastrophic backtracking: ${error.message} is not supported`,
        };
      }
      if (error.kind === 'timeout') {
        return {
          ok: false,
          message: 'regular expression is too complex to check for catastrophic backtracking',
        };
      }
      return {
        ok: false,
        message: `invalid regular expression: ${'message' in error ? error.message : error.kind}`,
      };
    }
  }
}

/**
 * Checks a wildcard pattern (`*` = any run of characters, everything else literal).
 * Wildcards are compiled to a regular expression whose every `*` is an atomic, lazily scanned
 * segment, so matching costs at most input length × pattern length steps (see the engine's
 * `compileWildcard`); only the size limits apply here.
 */
export function checkWildcardSafety(pattern: string): PatternVerdict {
  if (pattern.length === 0) return { ok: false, message: 'wildcard pattern must not be empty' };
  if (pattern.length > PATTERN_LIMITS.maxPatternLength) {
    return {
      ok: false,
      message: `wildcard pattern longer than ${PATTERN_LIMITS.maxPatternLength} characters`,
    };
  }
  const stars = pattern.split('*').length - 1;
  if (stars > PATTERN_LIMITS.maxWildcardStars) {
    return { ok: false, message: `wildcard pattern has more than ${PATTERN_LIMITS.maxWildcardStars} "*"` };
  }
  return { ok: true };
}
