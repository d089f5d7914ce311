import { describe, expect, it } from 'vitest';
import { date, ident, join, literal, quoteString, SqlValueError, sql, uuid } from '../src/clickhouse/sql.ts';

describe('sql tagged template', () => {
  it('escapes quotes, backslashes, NUL and control characters in string values', () => {
    expect(quoteString("it's a \\ test\0\n\t\r\b\f")).toBe("'it\\'s a \\\\ test\\0\\n\\t\\r\\b\\f'");
  });

  it('replaces lone surrogates with U+FFFD so the literal is valid UTF-8', () => {
    expect(quoteString('a\uD800b\uDC00')).toBe("'a\uFFFDb\uFFFD'");
  });

  it('renders numbers, rejecting NaN and Infinity', () => {
    expect(literal(42)).toBe('42');
    expect(literal(-1)).toBe('(-1)');
    expect(literal(1.5)).toBe('1.5');
    expect(() => literal(Number.NaN)).toThrow(SqlValueError);
    expect(() => literal(Number.POSITIVE_INFINITY)).toThrow(SqlValueError);
    expect(literal(2 ** 60)).toBe('1.152921504606847e+18');
    expect(literal(5e-324)).toBe("reinterpretAsFloat64(unhex('0100000000000000'))");
    expect(literal(2n ** 60n)).toBe('1152921504606846976');
  });

  it('renders dates, UUIDs, booleans, null and nested arrays', () => {
    expect(literal(new Date(1_795_000_000_123))).toBe('toDateTime(1795000000)');
    expect(literal(date('2026-11-22'))).toBe("toDate('2026-11-22')");
    expect(() => date('2026-13-45')).toThrow(SqlValueError);
    expect(literal(uuid('6F1C2D7E-1111-4222-8333-444455556666'))).toBe(
      "toUUID('6f1c2d7e-1111-4222-8333-444455556666')",
    );
    expect(() => uuid("x' OR 1=1")).toThrow(SqlValueError);
    expect(literal(true)).toBe('1');
    expect(literal(null)).toBe('NULL');
    expect(literal([['a'], ["b'"]])).toBe("[['a'], ['b\\'']]");
    expect(() => literal(new Date(Number.NaN))).toThrow(SqlValueError);
    expect(() => literal({ a: 1 })).toThrow(SqlValueError);
  });

  it('whitelists identifiers and rejects anything else', () => {
    expect(sql`SELECT * FROM ${ident('db.events')}`.text).toBe('SELECT * FROM `db`.`events`');
    for (const bad of ['events; DROP TABLE x', 'a`b', '1abc', 'a.b.c', '', 'a b']) {
      expect(() => ident(bad)).toThrow(SqlValueError);
    }
  });

  it('nests fragments without escaping them twice', () => {
    const where = join([sql`a = ${'x'}`, sql`b = ${2}`], ' AND ');
    expect(sql`SELECT 1 WHERE ${where}`.text).toBe("SELECT 1 WHERE a = 'x' AND b = 2");
  });
});
