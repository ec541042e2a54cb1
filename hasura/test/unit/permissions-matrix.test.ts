/**
 * The permission matrix as data: tenant isolation for the user role, no secret
 * or hash column reachable by user or anonymous, anonymous limited to public
 * data, and hasura/README.md's matrix generated from this very metadata.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { allTables, loadMetadata } from "../../../common/src/metadata";
import { tableKey } from "../../scripts/catalog";
import {
  confinesToMembership,
  describeBoolExp,
  inferRelationships,
  renderPermissionMatrix,
  replaceMatrix,
  selectableColumns,
  tableColumns,
  USERS_TABLE,
} from "../../scripts/permissions";
import { HASURA_DIR } from "../helpers/project";

const metadata = loadMetadata(HASURA_DIR);
const tables = allTables(metadata).map(({ table }) => table);
const index = inferRelationships(metadata);
const ME = { _eq: "X-Hasura-User-Id" };

/** Columns holding secrets, key or token hashes, or keyed hashes of identifiers. */
const SECRET_COLUMN = /(_hash|_encrypted|_secret)$|token|^content_key$|^dedup_key$|^pii$/;
const KNOWN_SECRET_COLUMNS = [
  "public.data_controllers.dx_key_hash",
  "public.data_controllers.webhook_secret_encrypted",
  "public.data_processors.signing_secret_encrypted",
  "public.data_processors.api_key_hash",
  "public.team_invitations.token_hash",
  "public.webhook_intake.content_key",
  "public.webhook_intake.pii",
  "public.privacy_preserving_links.identifier_hash",
  "public.erasure_suppressions.identifier_hash",
  "public.data_processing_activities.dedup_key",
  "public.data_subject_rights_requests.requester_email_encrypted",
  "public.data_subject_rights_requests.requester_email_hash",
  "public.data_subject_rights_requests.verification_token_hash",
  "public.data_subject_consent_form_values.subject_identifier_hash",
  "public.data_subject_consent_form_values.ip_hash",
  "public.data_subject_consent_form_values.prev_record_hash",
  "public.data_subject_consent_form_values.record_hash",
  "public.email_outbox.recipient_encrypted",
  "public.email_outbox.variables_encrypted",
];

describe("confinesToMembership", () => {
  const member = { user_id: ME, status: { _eq: "active" } };
  test.each([
    ["an active membership through controller.members", { controller: { members: member } }, true],
    ["a membership with a required role", { controller: { members: { ...member, role: { _in: ["owner"] } } } }, true],
    ["one confining branch of _and", { _and: [{ status: { _eq: "x" } }, { controller: { members: member } }] }, true],
    ["_or whose branches all confine", { _or: [{ controller: { members: member } }, { controller: { members: member } }] }, true],
    ["a membership without status = active", { controller: { members: { user_id: ME } } }, false],
    ["another session variable", { controller: { members: { user_id: { _eq: "X-Hasura-Role" }, status: { _eq: "active" } } } }, false],
    ["_or with an unconfined branch", { _or: [{ controller: { members: member } }, { status: { _eq: "published" } }] }, false],
    ["_not of a membership", { _not: { controller: { members: member } } }, false],
    ["an unknown relationship", { owner: { members: member } }, false],
    ["no restriction", {}, false],
  ])("%s -> %s", (_name, expression, expected) => {
    expect(confinesToMembership("public.purposes", expression, index)).toBe(expected);
  });

  test("a user's own account row counts only where allowed", () => {
    expect(confinesToMembership(USERS_TABLE, { id: ME }, index, { allowSelf: true })).toBe(true);
    expect(confinesToMembership(USERS_TABLE, { id: ME }, index)).toBe(false);
  });
});

describe("user role: tenant isolation", () => {
  test.each(tables.map((t) => [tableKey(t.table), t] as const))("%s: the select filter goes through organization membership", (key, table) => {
    const select = table.select_permissions?.find((p) => p.role === "user")?.permission;
    expect(select).toBeDefined();
    // A person also sees their own account row; every other row only through a shared organization.
    expect(confinesToMembership(key, select?.filter, index, { allowSelf: key === USERS_TABLE })).toBe(true);
  });

  test("every insert check, update filter and delete filter of the user role is confined the same way", () => {
    const unconfined: string[] = [];
    for (const table of tables) {
      const key = tableKey(table.table);
      const allowSelf = key === USERS_TABLE;
      for (const p of table.insert_permissions ?? []) {
        if (p.role === "user" && !confinesToMembership(key, p.permission.check, index)) unconfined.push(`${key} insert check`);
      }
      for (const p of table.update_permissions ?? []) {
        if (p.role === "user" && !confinesToMembership(key, p.permission.filter, index, { allowSelf })) unconfined.push(`${key} update filter`);
      }
      for (const p of table.delete_permissions ?? []) {
        if (p.role === "user" && !confinesToMembership(key, p.permission.filter, index)) unconfined.push(`${key} delete filter`);
      }
    }
    expect(unconfined).toEqual([]);
  });

  test("no user update can move a row to another organization (tenant keys are never updatable)", () => {
    const tenantKeys = new Set(["id", "controller_id", "form_id", "request_id", "user_id", "data_subject_id"]);
    const movable = tables.flatMap((t) =>
      (t.update_permissions ?? []).flatMap((p) =>
        (p.permission.columns === "*" ? tableColumns(t) : p.permission.columns).filter((c) => tenantKeys.has(c)).map((c) => `${tableKey(t.table)}.${c}`),
      ),
    );
    expect(movable).toEqual([]);
  });

  test("authorship comes from the session, not from the client", () => {
    const presets = tables.flatMap((t) => (t.insert_permissions ?? []).map((p) => [tableKey(t.table), p.permission.set ?? {}] as const));
    expect(Object.fromEntries(presets.filter(([, set]) => Object.keys(set).length > 0))).toEqual({
      "public.team_invitations": { invited_by_user_id: "X-Hasura-User-Id" },
      "public.data_subject_rights_requests": { source: "staff" },
      "public.data_subject_rights_request_events": { step: "note", status: "completed", actor_user_id: "X-Hasura-User-Id" },
    });
  });
});

describe("secret and hash columns", () => {
  test("the known secret columns exist, so the checks below are not vacuous", () => {
    const all = new Set(tables.flatMap((t) => tableColumns(t).map((c) => `${tableKey(t.table)}.${c}`)));
    expect(KNOWN_SECRET_COLUMNS.filter((c) => !all.has(c))).toEqual([]);
    expect(KNOWN_SECRET_COLUMNS.filter((c) => !SECRET_COLUMN.test(c.split(".").pop() ?? ""))).toEqual([]);
  });

  test.each(["user", "anonymous"])("no secret or hash column is selectable by %s, and no permission selects '*'", (role) => {
    const exposed = tables.flatMap((t) =>
      selectableColumns(t, role)
        .filter((c) => SECRET_COLUMN.test(c) || KNOWN_SECRET_COLUMNS.includes(`${tableKey(t.table)}.${c}`))
        .map((c) => `${tableKey(t.table)}.${c}`),
    );
    expect(exposed).toEqual([]);
    const star = tables.filter((t) => t.select_permissions?.some((p) => p.role === role && p.permission.columns === "*"));
    expect(star.map((t) => tableKey(t.table))).toEqual([]);
  });

  test("no secret or hash column can be written by the user role", () => {
    const writable = tables.flatMap((t) =>
      [...(t.insert_permissions ?? []), ...(t.update_permissions ?? [])]
        .flatMap((p) => (p.permission.columns === "*" || p.permission.columns === undefined ? tableColumns(t) : p.permission.columns))
        .filter((c) => SECRET_COLUMN.test(c))
        .map((c) => `${tableKey(t.table)}.${c}`),
    );
    expect(writable).toEqual([]);
  });
});

describe("anonymous role", () => {
  test("reads only the public tables the Transparency Center and consent widget need", () => {
    const readable = tables.filter((t) => t.select_permissions?.some((p) => p.role === "anonymous")).map((t) => tableKey(t.table));
    expect(readable.sort()).toEqual([
      "public.consent_categories",
      "public.consent_forms",
      "public.data_controller_details",
      "public.data_controllers",
      "public.data_processors",
      "public.generated_documents",
      "public.purposes",
      "public.tag_manager_accounts",
    ]);
  });

  test("every anonymous read is limited to published or public rows", () => {
    const filters = Object.fromEntries(
      tables.flatMap((t) => (t.select_permissions ?? []).filter((p) => p.role === "anonymous").map((p) => [tableKey(t.table), p.permission.filter])),
    );
    const published = { status: { _eq: "published" } };
    const publicProfile = { details: { public_profile_enabled: { _eq: true } } };
    expect(filters).toEqual({
      "public.consent_categories": { form: published },
      "public.consent_forms": published,
      "public.data_controller_details": { public_profile_enabled: { _eq: true } },
      "public.data_controllers": publicProfile,
      "public.data_processors": { _and: [{ status: { _in: ["active", "paused"] } }, { controller: publicProfile }] },
      "public.generated_documents": published,
      "public.purposes": { _and: [{ status: { _eq: "active" } }, { controller: publicProfile }] },
      "public.tag_manager_accounts": { status: { _eq: "active" } },
    });
  });

  test("reads at most 100 rows per request from any table, with no aggregates", () => {
    const reads = tables.flatMap((t) => (t.select_permissions ?? []).filter((p) => p.role === "anonymous").map((p) => p.permission));
    expect(reads.map((p) => [p.limit, p.allow_aggregations ?? false])).toEqual(reads.map(() => [100, false]));
  });

  test("writes nothing through tables, and reaches only the public actions", () => {
    const writes = tables.flatMap((t) =>
      [...(t.insert_permissions ?? []), ...(t.update_permissions ?? []), ...(t.delete_permissions ?? [])]
        .filter((p) => p.role === "anonymous")
        .map(() => tableKey(t.table)),
    );
    expect(writes).toEqual([]);
    const anonymousActions = metadata.actions.filter((a) => a.permissions?.some((p) => p.role === "anonymous")).map((a) => a.name);
    expect(anonymousActions).toEqual(["insertRightsRequest", "verifyRightsRequest", "consentPreferences", "updateConsentPreferences"]);
  });

  test("sees no platform user, subject, activity, request, consent record or intake row", () => {
    const personal = [
      "auth.users",
      "public.data_controller_users",
      "public.team_invitations",
      "public.data_subjects",
      "public.privacy_preserving_links",
      "public.erasure_suppressions",
      "public.data_processing_activities",
      "public.data_subject_rights_requests",
      "public.data_subject_rights_request_events",
      "public.data_subject_consent_form_values",
      "public.data_subject_preference_values",
      "public.webhook_intake",
      "public.email_outbox",
    ];
    const open = tables.filter((t) => personal.includes(tableKey(t.table)) && selectableColumns(t, "anonymous").length > 0);
    expect(open.map((t) => tableKey(t.table))).toEqual([]);
  });
});

describe("describeBoolExp (the matrix cells)", () => {
  const member = { user_id: ME, status: { _eq: "active" } };
  test.each([
    ["public.purposes", { controller: { members: member } }, "active member"],
    ["public.consent_forms", { _and: [{ controller: { members: { ...member, role: { _in: ["owner", "admin"] } } } }, { status: { _eq: "draft" } }] }, "active owner/admin and status = draft"],
    ["public.consent_categories", { form: { status: { _eq: "published" } } }, "form.status = published"],
    ["public.data_processors", { status: { _in: ["active", "paused"] } }, "status in (active, paused)"],
    ["auth.users", { _or: [{ id: ME }, { memberships: { controller: { members: member } } }] }, "(id = X-Hasura-User-Id or active member)"],
    ["public.purposes", {}, "every row"],
  ])("%s %j -> %s", (table, expression, text) => {
    expect(describeBoolExp(table, expression, index)).toBe(text);
  });
});

describe("hasura/README.md", () => {
  const readme = readFileSync(join(HASURA_DIR, "README.md"), "utf8");

  test("holds the permission matrix generated from the metadata (npx tsx hasura/scripts/permissions.ts --write)", () => {
    expect(replaceMatrix(readme, renderPermissionMatrix(metadata))).toBe(readme);
  });

  test("documents every event trigger, cron trigger and action by name", () => {
    const names = [
      ...tables.flatMap((t) => (t.event_triggers ?? []).map((e) => e.name)),
      ...metadata.cronTriggers.map((c) => c.name),
      ...metadata.actions.map((a) => a.name),
    ];
    expect(names.filter((n) => !readme.includes(`\`${n}`))).toEqual([]);
  });
});
