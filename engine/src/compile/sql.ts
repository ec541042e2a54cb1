/**
 * A small tagged-template SQL builder (after graphile/crystal utils/pg-sql2):
 * interpolated values become `$n` placeholders, identifiers are quoted,
 * fragments compose, `compileSql()` yields `{ text, values }`. User input never
 * reaches the SQL text.
 */

type Part =
  | { kind: "text"; text: string }
  | { kind: "value"; value: unknown }
  | { kind: "ident"; names: readonly string[] };

const SQL_BRAND = Symbol("engine.sql");

/** A composable SQL fragment. Build with `sql`, never by hand. */
export interface Sql {
  readonly [SQL_BRAND]: true;
  readonly parts: readonly Part[];
}

function makeSql(parts: readonly Part[]): Sql {
  return { [SQL_BRAND]: true, parts };
}

export function isSql(value: unknown): value is Sql {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[SQL_BRAND] === true;
}

/** Tag: `sql\`select ${sql.ident("t", "c")} from t where id = ${id}\``; plain values become placeholders. */
export function sql(strings: TemplateStringsArray, ...values: readonly unknown[]): Sql {
  const parts: Part[] = [];
  strings.forEach((text, i) => {
    if (text) parts.push({ kind: "text", text });
    if (i < values.length) {
      const v = values[i];
      if (isSql(v)) parts.push(...v.parts);
      else parts.push({ kind: "value", value: v });
    }
  });
  return makeSql(parts);
}

/** A quoted, optionally qualified identifier: ident("public", "t") -> "public"."t". */
sql.ident = (...names: readonly string[]): Sql => {
  if (names.length === 0) throw new Error("[engine/compile] sql.ident needs at least one name");
  return makeSql([{ kind: "ident", names }]);
};

/** Trusted SQL text (keywords, operators chosen by the compiler). Never user input. */
sql.raw = (text: string): Sql => makeSql([{ kind: "text", text }]);

/** A value placeholder (same as interpolating the value). */
sql.value = (value: unknown): Sql => makeSql([{ kind: "value", value }]);

/** A string literal compiled into the text (for JSON keys of json_build_object, which must be constant). */
sql.literal = (text: string): Sql => makeSql([{ kind: "text", text: quoteLiteral(text) }]);

/** Joins fragments with a separator. */
sql.join = (items: readonly Sql[], separator: string): Sql => {
  const parts: Part[] = [];
  items.forEach((item, i) => {
    if (i > 0 && separator) parts.push({ kind: "text", text: separator });
    parts.push(...item.parts);
  });
  return makeSql(parts);
};

export const SQL_TRUE = sql.raw("true");
export const SQL_FALSE = sql.raw("false");

/** `a and b and ...`, true for none. */
export function sqlAnd(items: readonly Sql[]): Sql {
  const kept = items.filter((i) => i !== SQL_TRUE);
  if (kept.length === 0) return SQL_TRUE;
  if (kept.length === 1) return kept[0];
  return sql`(${sql.join(kept.map((k) => sql`(${k})`), " and ")})`;
}

/** `a or b or ...`, false for none. */
export function sqlOr(items: readonly Sql[]): Sql {
  if (items.length === 0) return SQL_FALSE;
  if (items.length === 1) return items[0];
  return sql`(${sql.join(items.map((k) => sql`(${k})`), " or ")})`;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteLiteral(text: string): string {
  if (text.includes("\0")) throw new Error("[engine/compile] NUL in a literal");
  return `'${text.replace(/'/g, "''")}'`;
}

export interface CompiledSql {
  text: string;
  values: unknown[];
}

/** Renders a fragment to text with `$1..$n` placeholders and the values array. */
export function compileSql(fragment: Sql): CompiledSql {
  let text = "";
  const values: unknown[] = [];
  for (const part of fragment.parts) {
    if (part.kind === "text") text += part.text;
    else if (part.kind === "ident") text += part.names.map(quoteIdent).join(".");
    else {
      values.push(part.value);
      text += `$${values.length}`;
    }
  }
  return { text, values };
}

/** Generates unique table aliases for one statement (`_t0`, `_t1`, ...). */
export class AliasGenerator {
  private next = 0;
  fresh(prefix = "_t"): string {
    return `${prefix}${this.next++}`;
  }
}
