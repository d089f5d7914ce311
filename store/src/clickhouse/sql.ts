/**
 * The one place where values become SQL text.
 *
 * ClickHouse 18.16 has no `{name:Type}` query parameters, so every value is
 * rendered as a literal here and nowhere else. Identifiers are never escaped:
 * they must match a strict whitelist pattern or the builder throws.
 */

const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** A fragment of SQL whose values have already been escaped. */
export class Sql {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** A whitelisted identifier (table, column or database name). */
export class Identifier {
  constructor(readonly name: string) {}
}

/** A UUID value, rendered as `toUUID('…')`. */
export class UuidValue {
  constructor(readonly value: string) {}
}

/** A calendar date (no time), rendered as `toDate('YYYY-MM-DD')`. */
export class DateValue {
  constructor(readonly value: string) {}
}

export class SqlValueError extends Error {
  readonly code = 'FW_SQL_BAD_VALUE';
}

/** Marks a name as an identifier; throws unless it matches `[A-Za-z_][A-Za-z0-9_]*` (dotted `db.table` allowed). */
export function ident(name: string): Identifier {
  const parts = name.split('.');
  if (parts.length > 2 || !parts.every((p) => IDENT.test(p))) {
    throw new SqlValueError(`invalid SQL identifier: ${JSON.stringify(name)}`);
  }
  return new Identifier(name);
}

/** Marks a string as a UUID literal; throws unless it is a canonical UUID. */
export function uuid(value: string): UuidValue {
  if (!UUID_RE.test(value)) throw new SqlValueError(`invalid UUID: ${JSON.stringify(value)}`);
  return new UuidValue(value.toLowerCase());
}

/** Marks a `YYYY-MM-DD` string (or a Date, taken in UTC) as a Date literal. */
export function date(value: string | Date): DateValue {
  const s = value instanceof Date ? value.toISOString().slice(0, 10) : value;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s) || Number.isNaN(Date.parse(`${s}T00:00:00Z`))) {
    throw new SqlValueError(`invalid date: ${JSON.stringify(value)}`);
  }
  return new DateValue(s);
}

/** Joins fragments with a separator (for dynamic column lists or WHERE clauses). */
export function join(parts: readonly Sql[], separator = ', '): Sql {
  return new Sql(parts.map((p) => p.text).join(separator));
}

/** Raw SQL that contains no values (keywords chosen by code, never by input). */
export function raw(text: string): Sql {
  return new Sql(text);
}

/**
 * Escapes a string into a single-quoted ClickHouse literal.
 * Lone UTF-16 surrogates cannot be encoded as UTF-8; they become U+FFFD
 * (the same thing `TextEncoder` does), so the literal is always valid UTF-8.
 */
export function quoteString(value: string): string {
  const wellFormed = value.toWellFormed();
  let out = "'";
  for (let i = 0; i < wellFormed.length; i++) {
    const ch = wellFormed[i]!;
    switch (ch) {
      case '\\':
        out += '\\\\';
        break;
      case "'":
        out += "\\'";
        break;
      case '\0':
        out += '\\0';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      case '\b':
        out += '\\b';
        break;
      case '\f':
        out += '\\f';
        break;
      default:
        out += ch;
    }
  }
  return `${out}'`;
}

/**
 * ClickHouse 18.16's parser rejects subnormal float literals (`5e-324`), so they are written
 * as their exact IEEE-754 bytes instead.
 */
function subnormal(value: number): string {
  const bytes = new DataView(new ArrayBuffer(8));
  bytes.setFloat64(0, value, true);
  let hex = '';
  for (let i = 0; i < 8; i++) hex += bytes.getUint8(i).toString(16).padStart(2, '0');
  return `reinterpretAsFloat64(unhex('${hex}'))`;
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) throw new SqlValueError(`non-finite number in SQL: ${value}`);
  // Integers beyond 2^53 are written in exponent form so ClickHouse reads them as the
  // Float64 they are, not as a 64-bit integer JS never had. Negative literals get
  // parentheses so `a - ${-1}` stays unambiguous.
  if (value !== 0 && Math.abs(value) < 2.2250738585072014e-308) return subnormal(value);
  const text =
    Number.isInteger(value) && !Number.isSafeInteger(value) ? value.toExponential() : String(value);
  return value < 0 ? `(${text})` : text;
}

/** Renders one value as a ClickHouse literal. */
export function literal(value: unknown): string {
  if (value instanceof Sql) return value.text;
  if (value instanceof Identifier)
    return value.name
      .split('.')
      .map((p) => `\`${p}\``)
      .join('.');
  if (value instanceof UuidValue) return `toUUID(${quoteString(value.value)})`;
  if (value instanceof DateValue) return `toDate(${quoteString(value.value)})`;
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return quoteString(value);
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'bigint') return value < 0n ? `(${value})` : String(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new SqlValueError('invalid Date in SQL');
    return `toDateTime(${Math.floor(ms / 1000)})`;
  }
  if (Array.isArray(value)) return `[${value.map((v) => literal(v)).join(', ')}]`;
  throw new SqlValueError(`unsupported SQL value of type ${typeof value}`);
}

/**
 * Tagged template: `sql\`SELECT * FROM ${ident('events')} WHERE site_id = ${siteId}\``.
 * Interpolated values become escaped literals; identifiers must be wrapped in `ident()`;
 * nested `sql` fragments are inserted as they are.
 */
export function sql(strings: TemplateStringsArray, ...values: unknown[]): Sql {
  let text = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) {
    text += literal(values[i]) + (strings[i + 1] ?? '');
  }
  return new Sql(text);
}
