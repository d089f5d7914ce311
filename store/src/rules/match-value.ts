import type { NumberCompare, TextMatch, ValueMatch } from '@floorwalker/protocol';
import { compileWildcard } from './compile-wildcard.ts';

/** A scalar as found in visitor attributes and event properties. */
export type Scalar = string | number | boolean | null;

const compiled = new Map<string, RegExp>();
const MAX_COMPILED = 2000;

/** Compiled patterns are cached (bounded): rules are evaluated on every visitor event. */
function cachedRegExp(cacheKey: string, build: () => RegExp): RegExp {
  let re = compiled.get(cacheKey);
  if (!re) {
    re = build();
    if (compiled.size >= MAX_COMPILED) {
      const oldest = compiled.keys().next();
      if (!oldest.done) compiled.delete(oldest.value);
    }
    compiled.set(cacheKey, re);
  }
  return re;
}

/** The regular expression a `wildcard` or `regex` text match runs. */
export function patternOf(match: Extract<TextMatch, { op: 'wildcard' | 'regex' }>): RegExp {
  if (match.op === 'wildcard') {
    return cachedRegExp(`w${match.caseSensitive ? 'c' : 'i'}/${match.pattern}`, () =>
      compileWildcard(match.pattern, { caseSensitive: match.caseSensitive === true }),
    );
  }
  // Stateful flags are dropped defensively: the schema already refuses them.
  const flags = (match.flags ?? '').replace(/[gy]/g, '');
  return cachedRegExp(`r${flags}/${match.pattern}`, () => new RegExp(match.pattern, flags));
}

/** Applies a string operator. */
export function matchText(match: TextMatch, actual: string): boolean {
  switch (match.op) {
    case 'equals':
    case 'contains':
    case 'prefix': {
      const a = match.caseSensitive ? actual : actual.toLowerCase();
      const v = match.caseSensitive ? match.value : match.value.toLowerCase();
      if (match.op === 'equals') return a === v;
      if (match.op === 'contains') return a.includes(v);
      return a.startsWith(v);
    }
    case 'wildcard':
    case 'regex':
      return patternOf(match).test(actual);
  }
}

/** Applies a numeric comparison (`between` includes both ends). */
export function matchNumber(compare: NumberCompare, actual: number): boolean {
  switch (compare.op) {
    case 'gt':
      return actual > compare.value;
    case 'gte':
      return actual >= compare.value;
    case 'lt':
      return actual < compare.value;
    case 'lte':
      return actual <= compare.value;
    case 'eq':
      return actual === compare.value;
    case 'between':
      return actual >= compare.min && actual <= compare.max;
  }
}

function toNumber(value: Scalar | undefined): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/**
 * Applies any operator to a property value. Missing and null values match nothing but a negated
 * `exists`; numeric operators accept numbers and numeric strings (`"42.5"`); text operators
 * compare the value's string form (`true`, `42`).
 */
export function matchValue(match: ValueMatch, actual: Scalar | undefined): boolean {
  switch (match.op) {
    case 'exists':
      return actual !== undefined && actual !== null;
    case 'is':
      return actual === match.value;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
    case 'eq':
    case 'between': {
      const n = toNumber(actual);
      return n !== undefined && matchNumber(match, n);
    }
    default:
      if (actual === undefined || actual === null) return false;
      return matchText(match, String(actual));
  }
}

/** `contains "checkout"`, `matches /…/i`, for explanations. */
export function describeText(match: TextMatch): string {
  const cs = 'caseSensitive' in match && match.caseSensitive ? ' (case-sensitive)' : '';
  switch (match.op) {
    case 'equals':
      return `equals ${JSON.stringify(match.value)}${cs}`;
    case 'contains':
      return `contains ${JSON.stringify(match.value)}${cs}`;
    case 'prefix':
      return `starts with ${JSON.stringify(match.value)}${cs}`;
    case 'wildcard':
      return `matches ${JSON.stringify(match.pattern)}${cs}`;
    case 'regex':
      return `matches /${match.pattern}/${match.flags ?? ''}`;
  }
}

/** `> 5`, `between 1 and 3`, for explanations. */
export function describeNumber(compare: NumberCompare): string {
  switch (compare.op) {
    case 'gt':
      return `> ${compare.value}`;
    case 'gte':
      return `≥ ${compare.value}`;
    case 'lt':
      return `< ${compare.value}`;
    case 'lte':
      return `≤ ${compare.value}`;
    case 'eq':
      return `= ${compare.value}`;
    case 'between':
      return `between ${compare.min} and ${compare.max}`;
  }
}

export function describeValue(match: ValueMatch): string {
  switch (match.op) {
    case 'exists':
      return 'is set';
    case 'is':
      return `is ${match.value}`;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
    case 'eq':
    case 'between':
      return describeNumber(match);
    default:
      return describeText(match);
  }
}
