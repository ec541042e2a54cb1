/**
 * Calls of SQL functions inside the one statement of a root field: computed
 * fields (called with the row of the parent alias) and tracked functions (the
 * FROM item of a root field). Arguments follow Hasura's rules (repo:
 * server/src-lib/Hasura/GraphQL/Schema/Postgres functionArgs): arguments are
 * passed by position while the client gives them, then by name; an omitted
 * argument without a default is refused (`not-supported`). Client values and
 * the session JSON travel as `$n` parameters cast to the argument type.
 */
import { sql, type Sql } from "./sql";
import { castValue } from "./where";
import type { ColumnInfo } from "../schema/model";
import type { FunctionArgInfo } from "../schema/functions";
import type { SessionVariables } from "../extensions";
import { HasuraError } from "../errors";

function argColumn(a: FunctionArgInfo): ColumnInfo {
  return {
    name: a.name,
    gqlName: a.gqlName,
    description: null,
    sqlType: a.sqlType,
    typeName: a.typeName,
    scalar: a.scalar,
    kind: a.kind,
    isArray: a.isArray,
    nullable: true,
    hasDefault: a.hasDefault,
    writable: false,
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export interface FunctionCallInput {
  schema: string;
  name: string;
  args: readonly FunctionArgInfo[];
  /** The alias whose whole row is the table argument (computed fields). */
  rowAlias: string | null;
  /** The client's `args` object (GraphQL names), if any. */
  clientArgs: unknown;
  session: SessionVariables;
  /** JSON path of the `args` argument, for errors. */
  path: string;
}

/** `"schema"."fn"(a1, a2, "name" => a3)`. */
export function functionCall(input: FunctionCallInput): Sql {
  const given = isRecord(input.clientArgs) ? input.clientArgs : {};
  const positional: Sql[] = [];
  const named: Sql[] = [];
  let byName = false;
  for (const a of input.args) {
    let value: Sql | null;
    if (a.role === "table") {
      if (input.rowAlias === null) throw new Error("[engine/compile] a computed field needs the row alias");
      value = sql.ident(input.rowAlias);
    } else if (a.role === "session") {
      // The session argument receives the session variables as JSON, as Hasura passes them (docs: custom-functions "session_argument").
      value = castValue(input.session, argColumn(a));
    } else {
      value = Object.prototype.hasOwnProperty.call(given, a.gqlName) ? castValue(given[a.gqlName], argColumn(a)) : null;
    }
    if (value === null) {
      if (!a.hasDefault) throw new HasuraError("not-supported", "Non default arguments cannot be omitted", input.path);
      byName = true;
      continue;
    }
    if (!byName) {
      positional.push(value);
      continue;
    }
    if (a.name === "") throw new HasuraError("not-supported", "Only last set of positional arguments can be omitted", input.path);
    named.push(sql`${sql.ident(a.name)} => ${value}`);
  }
  return sql`${sql.ident(input.schema, input.name)}(${sql.join([...positional, ...named], ", ")})`;
}
