/**
 * Reads the role permissions of hasura/metadata as data: which rows and
 * columns each role reaches, whether a rule confines a user to the
 * organizations they are an active member of, and the permission matrix
 * written into hasura/README.md.
 *
 * `npx tsx hasura/scripts/permissions.ts --write` regenerates the matrix in
 * the README; hasura/test/unit/permissions-matrix.test.ts fails when it is stale.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { allTables, loadMetadata, type Metadata, type TableMetadata } from "../../common/src/metadata";
import { tableKey } from "./catalog";
import type { RelationshipIndex, ResolvedRelationship } from "./check-metadata";

export const MEMBERSHIP_TABLE = "public.data_controller_users";
export const USERS_TABLE = "auth.users";
export const USER_ID_VARIABLE = "x-hasura-user-id";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Relationship targets from the metadata alone. Array and manual relationships
 * name their remote table; an object relationship on a foreign-key column is
 * resolved through the array relationship that points back over the same
 * column (the catalog-based index in check-metadata.ts is the authority; the
 * integration tests check that the two agree). Unresolvable ones are left out.
 */
export function inferRelationships(metadata: Metadata): RelationshipIndex {
  const tables = allTables(metadata).map(({ table }) => table);
  const index: RelationshipIndex = new Map(tables.map((t) => [tableKey(t.table), new Map<string, ResolvedRelationship>()]));
  const inverse = new Map<string, string>(); // "<child table>|<fk column>" -> parent table
  for (const table of tables) {
    const own = index.get(tableKey(table.table));
    // A manual one-to-one (parent.id -> child.parent_id) is the inverse of the child's FK relationship.
    for (const rel of table.object_relationships ?? []) {
      if (!("manual_configuration" in rel.using)) continue;
      const manual = rel.using.manual_configuration;
      inverse.set(`${tableKey(manual.remote_table)}|${Object.values(manual.column_mapping).join(",")}`, tableKey(table.table));
    }
    for (const rel of table.array_relationships ?? []) {
      if (!("foreign_key_constraint_on" in rel.using)) continue;
      const on = rel.using.foreign_key_constraint_on;
      if (typeof on === "string" || Array.isArray(on)) continue;
      const remote = tableKey(on.table);
      own?.set(rel.name, { name: rel.name, kind: "array", remoteTable: remote });
      const columns = on.columns ?? (on.column ? [on.column] : []);
      inverse.set(`${remote}|${columns.join(",")}`, tableKey(table.table));
    }
  }
  for (const table of tables) {
    const own = index.get(tableKey(table.table));
    for (const rel of [...(table.object_relationships ?? []), ...(table.array_relationships ?? [])]) {
      const kind = (table.object_relationships ?? []).includes(rel) ? "object" : "array";
      if ("manual_configuration" in rel.using) {
        own?.set(rel.name, { name: rel.name, kind, remoteTable: tableKey(rel.using.manual_configuration.remote_table) });
        continue;
      }
      const on = rel.using.foreign_key_constraint_on;
      if (typeof on === "string" || Array.isArray(on)) {
        const parent = inverse.get(`${tableKey(table.table)}|${(typeof on === "string" ? [on] : on).join(",")}`);
        if (parent) own?.set(rel.name, { name: rel.name, kind, remoteTable: parent });
      } else if (kind === "object") {
        own?.set(rel.name, { name: rel.name, kind, remoteTable: tableKey(on.table) });
      }
    }
  }
  return index;
}

function isSessionUser(value: unknown): boolean {
  const operand = isRecord(value) ? value._eq : value;
  return typeof operand === "string" && operand.toLowerCase() === USER_ID_VARIABLE;
}

function isEqualTo(value: unknown, expected: string): boolean {
  return (isRecord(value) ? value._eq : value) === expected;
}

/** A BoolExp object on data_controller_users that pins the row to the session user's active membership. */
function isActiveMembership(expression: Record<string, unknown>): boolean {
  return isSessionUser(expression.user_id) && isEqualTo(expression.status, "active");
}

export interface ScopeOptions {
  /** Also accept `auth.users.id = X-Hasura-User-Id` (a user's own account row). */
  allowSelf?: boolean;
}

/**
 * True when every row `expression` admits on `table` is reached through an
 * active membership of the session user (data_controller_users.user_id =
 * X-Hasura-User-Id and status = active), following relationships. Conservative:
 * `_not`, `_exists` and anything unresolvable count as not confining.
 */
export function confinesToMembership(table: string, expression: unknown, index: RelationshipIndex, options: ScopeOptions = {}): boolean {
  if (!isRecord(expression)) return false;
  if (table === MEMBERSHIP_TABLE && isActiveMembership(expression)) return true;
  // The keys of one object are ANDed: one confining key is enough.
  return Object.entries(expression).some(([key, value]) => {
    if (key === "_and") return (Array.isArray(value) ? value : [value]).some((v) => confinesToMembership(table, v, index, options));
    if (key === "_or") {
      const branches = Array.isArray(value) ? value : [value];
      return branches.length > 0 && branches.every((v) => confinesToMembership(table, v, index, options));
    }
    if (options.allowSelf && table === USERS_TABLE && key === "id") return isSessionUser(value);
    const relationship = index.get(table)?.get(key);
    return relationship ? confinesToMembership(relationship.remoteTable, value, index, options) : false;
  });
}

/** The member roles an active-membership object requires (e.g. owner, admin), or null for any role. */
function memberRoles(membership: Record<string, unknown>): string[] | null {
  const role = membership.role;
  return isRecord(role) && Array.isArray(role._in) ? role._in.map(String) : null;
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return `(${value.map(describeValue).join(", ")})`;
  return isRecord(value) ? JSON.stringify(value) : String(value);
}

const OPERATOR_TEXT: Record<string, string> = { _eq: "=", _neq: "!=", _in: "in", _nin: "not in", _gt: ">", _gte: ">=", _lt: "<", _lte: "<=" };

/** Short readable text for a permission BoolExp, collapsing membership paths to "active member". */
export function describeBoolExp(table: string, expression: unknown, index: RelationshipIndex): string {
  if (!isRecord(expression) || Object.keys(expression).length === 0) return "every row";
  if (table === MEMBERSHIP_TABLE && isActiveMembership(expression)) {
    const roles = memberRoles(expression);
    return roles ? `active ${roles.join("/")}` : "active member";
  }
  const parts = Object.entries(expression).map(([key, value]): string => {
    if (key === "_and") return (Array.isArray(value) ? value : [value]).map((v) => describeBoolExp(table, v, index)).join(" and ");
    if (key === "_or") return `(${(Array.isArray(value) ? value : [value]).map((v) => describeBoolExp(table, v, index)).join(" or ")})`;
    if (key === "_not") return `not (${describeBoolExp(table, value, index)})`;
    const relationship = index.get(table)?.get(key);
    if (relationship) {
      const inner = describeBoolExp(relationship.remoteTable, value, index);
      return inner.startsWith("active ") ? inner : `${key}.${inner}`;
    }
    if (!isRecord(value)) return `${key} = ${describeValue(value)}`;
    return Object.entries(value)
      .map(([op, operand]) => `${key} ${OPERATOR_TEXT[op] ?? op} ${describeValue(operand)}`)
      .join(" and ");
  });
  return parts.join(" and ");
}

/** Every column of a table, from its column_config (check-metadata.ts proves it complete). */
export function tableColumns(table: TableMetadata): string[] {
  return Object.keys(table.configuration?.column_config ?? {});
}

/** Columns `role` may select on `table` (empty when it has no select permission). */
export function selectableColumns(table: TableMetadata, role: string): string[] {
  const permission = table.select_permissions?.find((p) => p.role === role)?.permission;
  if (!permission) return [];
  return permission.columns === "*" ? tableColumns(table) : permission.columns;
}

function cellColumns(columns: "*" | string[] | undefined): string {
  return columns === undefined ? "" : columns === "*" ? "all" : columns.join(", ");
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|");
}

/** The permission matrix as a Markdown table, one row per tracked table. */
export function renderPermissionMatrix(metadata: Metadata): string {
  const index = inferRelationships(metadata);
  const lines = [
    "| Table (GraphQL type) | user: select rows | user: insert | user: update | user: delete | anonymous: select | never selectable by user or anonymous |",
    "|---|---|---|---|---|---|---|",
  ];
  const tables = allTables(metadata)
    .map(({ table }) => table)
    .sort((a, b) => tableKey(a.table).localeCompare(tableKey(b.table)));
  for (const table of tables) {
    const key = tableKey(table.table);
    const user = table.select_permissions?.find((p) => p.role === "user")?.permission;
    const anonymous = table.select_permissions?.find((p) => p.role === "anonymous")?.permission;
    const insert = table.insert_permissions?.find((p) => p.role === "user")?.permission;
    const update = table.update_permissions?.find((p) => p.role === "user")?.permission;
    const remove = table.delete_permissions?.find((p) => p.role === "user")?.permission;
    const exposed = new Set([...selectableColumns(table, "user"), ...selectableColumns(table, "anonymous")]);
    const hidden = tableColumns(table).filter((c) => !exposed.has(c));
    const cells = [
      `${key} (${table.configuration?.custom_name ?? table.table.name})`,
      user ? describeBoolExp(key, user.filter, index) : "none",
      insert
        ? `${describeBoolExp(key, insert.check, index)}; columns: ${cellColumns(insert.columns)}${insert.set ? `; sets: ${Object.keys(insert.set).join(", ")}` : ""}`
        : "none",
      update ? `${describeBoolExp(key, update.filter, index)}; columns: ${cellColumns(update.columns)}` : "none",
      remove ? describeBoolExp(key, remove.filter, index) : "none",
      anonymous ? `${describeBoolExp(key, anonymous.filter, index)}; columns: ${cellColumns(anonymous.columns)}` : "none",
      hidden.length ? hidden.join(", ") : "none",
    ];
    lines.push(`| ${cells.map(escapeCell).join(" | ")} |`);
  }
  return lines.join("\n");
}

export const MATRIX_START = "<!-- permission-matrix:start (generated by hasura/scripts/permissions.ts --write) -->";
export const MATRIX_END = "<!-- permission-matrix:end -->";

/** `readme` with the text between the matrix markers replaced by `matrix`. @throws when a marker is missing. */
export function replaceMatrix(readme: string, matrix: string): string {
  const start = readme.indexOf(MATRIX_START);
  const end = readme.indexOf(MATRIX_END);
  if (start === -1 || end < start) throw new Error("[hasura/permissions] README has no permission-matrix markers");
  return `${readme.slice(0, start + MATRIX_START.length)}\n${matrix}\n${readme.slice(end)}`;
}

function main(): void {
  const projectDir = process.argv.find((a, i) => i > 1 && !a.startsWith("--")) ?? "hasura";
  const matrix = renderPermissionMatrix(loadMetadata(projectDir));
  if (process.argv.includes("--write")) {
    const file = join(projectDir, "README.md");
    writeFileSync(file, replaceMatrix(readFileSync(file, "utf8"), matrix));
  } else {
    process.stdout.write(`${matrix}\n`);
  }
}

if (require.main === module) main();
