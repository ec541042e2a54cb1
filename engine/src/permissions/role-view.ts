/**
 * What one role may do on one table (Hasura contract 6.1). `admin` bypasses
 * every rule; other roles get exactly their metadata permissions. Mutations
 * marked `backend_only` exist only for admin-secret requests that send
 * `x-hasura-use-backend-only-permissions: true`.
 */
import type { TableInfo, SelectPermission, InsertPermission, UpdatePermission, DeletePermission, TableModel } from "../schema/model";

export const ADMIN_ROLE = "admin";

export interface RoleView {
  select: SelectPermission | null;
  insert: InsertPermission | null;
  update: UpdatePermission | null;
  delete: DeletePermission | null;
}

/** Options that pick the schema variant of a role. */
export interface RoleOptions {
  role: string;
  /** Admin secret sent and `x-hasura-use-backend-only-permissions: true`. */
  backendOnly: boolean;
}

export function roleView(table: TableInfo, opts: RoleOptions): RoleView {
  if (opts.role === ADMIN_ROLE) {
    const all = table.columns.map((c) => c.name);
    const writable = table.columns.filter((c) => c.writable).map((c) => c.name);
    return {
      select: { columns: all, filter: {}, limit: null, allowAggregations: true, computedFields: table.computedFields.map((c) => c.name), queryRootFields: null, subscriptionRootFields: null },
      insert: { check: {}, columns: writable, set: {}, backendOnly: false },
      update: { columns: writable, filter: {}, check: null, set: {}, backendOnly: false },
      delete: { filter: {}, backendOnly: false },
    };
  }
  const hidden = <T extends { backendOnly: boolean }>(p: T | undefined): T | null =>
    !p || (p.backendOnly && !opts.backendOnly) ? null : p;
  return {
    select: table.select.get(opts.role) ?? null,
    insert: hidden(table.insert.get(opts.role)),
    update: hidden(table.update.get(opts.role)),
    delete: hidden(table.delete.get(opts.role)),
  };
}

/** Every role named in the metadata, plus admin. */
export function knownRoles(model: TableModel): string[] {
  return [ADMIN_ROLE, ...model.roles.filter((r) => r !== ADMIN_ROLE)];
}
