/**
 * Finds the first group that repeats (`*`, `+`, `{n,m}` with m > 1) while containing a
 * quantifier that itself repeats, e.g. `(a+)+`, `(.*a){12}`, `(?:\w+\s)*`.
 * This is the classic shape of catastrophic backtracking, and also the shape that makes an exact
 * analysis blow up (the counted copies multiply the automaton), so it is refused up front, in
 * constant time per character. Returns the group's text and index, or undefined.
 *
 * The scanner understands escapes, character classes, groups of every kind and quantifier
 * syntax; anything it does not understand is left to the exact analysis (which also rejects
 * invalid patterns).
 */
export function findNestedQuantifier(source: string): { index: number; text: string } | undefined {
  // Per open group: where it starts and whether it contains a repeating quantifier.
  const open: { start: number; repeats: boolean }[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i];
    let atomEnd = i + 1;
    let closedGroup: { start: number; repeats: boolean } | undefined;
    if (ch === '\\') {
      atomEnd = i + 2;
    } else if (ch === '[') {
      let j = i + 1;
      if (source[j] === '^') j += 1;
      if (source[j] === ']') j += 1;
      while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
      atomEnd = j + 1;
    } else if (ch === '(') {
      open.push({ start: i, repeats: false });
      i += 1;
      continue;
    } else if (ch === ')') {
      const group = open.pop();
      if (group) closedGroup = group;
    }
    const q = readQuantifier(source, atomEnd);
    if (q) {
      if (q.max > 1) {
        if (closedGroup?.repeats) {
          return { index: closedGroup.start, text: source.slice(closedGroup.start, q.end) };
        }
        for (const g of open) g.repeats = true;
      }
      // A group containing a repeating quantifier makes its enclosing groups contain one too.
      if (closedGroup?.repeats) for (const g of open) g.repeats = true;
      i = q.end;
      continue;
    }
    if (closedGroup?.repeats) for (const g of open) g.repeats = true;
    i = atomEnd;
  }
  return undefined;
}

/** Reads a quantifier at `at` (with its lazy `?`), if there is one. */
function readQuantifier(source: string, at: number): { max: number; end: number } | undefined {
  const ch = source[at];
  let max: number;
  let end: number;
  if (ch === '*' || ch === '+') {
    max = Number.POSITIVE_INFINITY;
    end = at + 1;
  } else if (ch === '?') {
    max = 1;
    end = at + 1;
  } else if (ch === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(at, at + 24));
    if (!m) return undefined;
    max =
      m[2] === undefined
        ? Number(m[1])
        : m[3] === '' || m[3] === undefined
          ? Number.POSITIVE_INFINITY
          : Number(m[3]);
    end = at + m[0].length;
  } else {
    return undefined;
  }
  if (source[end] === '?') end += 1;
  return { max, end };
}
