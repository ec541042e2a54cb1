/**
 * hasura/metadata read as data: the event triggers, cron triggers and actions
 * the issue lists, with the delivery settings handlers rely on, and the GraphQL
 * names other parts write operations against.
 */
import { CronExpressionParser } from "cron-parser";
import { allTables, CUSTOM_ROOT_FIELD_KEYS, loadMetadata, type EventTrigger, type TableMetadata } from "../../../common/src/metadata";
import { tableKey } from "../../scripts/catalog";
import { readActionsSdl } from "../../scripts/check-metadata";
import { HASURA_DIR } from "../helpers/project";

const metadata = loadMetadata(HASURA_DIR);
const tables = allTables(metadata).map(({ table }) => table);
const triggers: Array<{ table: string; trigger: EventTrigger }> = tables.flatMap((t) =>
  (t.event_triggers ?? []).map((trigger) => ({ table: tableKey(t.table), trigger })),
);
const actionsSdl = readActionsSdl(metadata.actionsGraphql);
const HANDLER_HEADER = [{ name: "x-handlers-secret", value_from_env: "HANDLERS_WEBHOOK_SECRET" }];

function tableOf(key: string): TableMetadata {
  const table = tables.find((t) => tableKey(t.table) === key);
  if (!table) throw new Error(`no table ${key}`);
  return table;
}

describe("event triggers", () => {
  test("are exactly the issue's list plus webhook_intake_insert, each on its table", () => {
    expect(Object.fromEntries(triggers.map(({ table, trigger }) => [trigger.name, table]))).toEqual({
      auth_users_insert: "auth.users",
      data_controller_create_user: "public.team_invitations",
      data_controller_details_update: "public.data_controller_details",
      data_controller_users_update: "public.data_controller_users",
      data_controllers_insert: "public.data_controllers",
      data_processing_activities_insert: "public.data_processing_activities",
      data_subject_preference_values_update: "public.data_subject_preference_values",
      data_subject_rights_requests_insert: "public.data_subject_rights_requests",
      data_subject_rights_requests_update: "public.data_subject_rights_requests",
      data_subjects_insert: "public.data_subjects",
      domain_verification_cors_sync: "public.domain_verifications",
      generate_controller_documents: "public.purposes",
      generate_controller_purposes: "public.data_processors",
      generate_v0_profile: "public.data_controller_details",
      scheduled_events_insert: "public.scheduled_events",
      webhook_intake_insert: "public.webhook_intake",
    });
    expect(new Set(triggers.map(({ trigger }) => trigger.name)).size).toBe(triggers.length);
  });

  test.each(triggers.map(({ trigger }) => [trigger.name, trigger] as const))(
    "%s posts to HANDLERS_EVENT_WEBHOOK_URL with the handlers secret, 0-3 retries every 10 s, 60 s timeout",
    (_name, trigger) => {
      expect(trigger.webhook_from_env).toBe("HANDLERS_EVENT_WEBHOOK_URL");
      expect(trigger.webhook).toBeUndefined();
      expect(trigger.headers).toEqual(HANDLER_HEADER);
      expect(trigger.retry_conf.interval_sec).toBe(10);
      expect(trigger.retry_conf.timeout_sec).toBe(60);
      expect(trigger.retry_conf.num_retries).toBeGreaterThanOrEqual(0);
      expect(trigger.retry_conf.num_retries).toBeLessThanOrEqual(3);
      expect(trigger.definition.enable_manual).toBe(false);
    },
  );

  test("update triggers list the columns that matter instead of firing on every column", () => {
    const updates = triggers.filter(({ trigger }) => trigger.definition.update).map(({ trigger }) => [trigger.name, trigger.definition.update?.columns]);
    expect(updates.filter(([, columns]) => columns === "*" || (Array.isArray(columns) && columns.length === 0))).toEqual([]);
    expect(Object.fromEntries(updates)).toMatchObject({
      data_controller_users_update: ["role", "status"],
      data_subject_preference_values_update: ["granted"],
      domain_verification_cors_sync: ["status", "domain"],
    });
  });

  test("no trigger payload carries a ciphertext, key hash or token hash into the event log", () => {
    const secret = /(_encrypted|^dx_key_hash|^api_key_hash|token_hash|^requester_email_hash)$/;
    const leaks = triggers.flatMap(({ table, trigger }) =>
      (["insert", "update", "delete"] as const).flatMap((op) => {
        const spec = trigger.definition[op];
        if (!spec) return [];
        const columns = spec.payload === undefined || spec.payload === "*" ? Object.keys(tableOf(table).configuration?.column_config ?? {}) : spec.payload;
        return columns.filter((c) => secret.test(c)).map((c) => `${trigger.name}.${op}: ${c}`);
      }),
    );
    expect(leaks).toEqual([]);
  });
});

describe("cron triggers", () => {
  test("are the six the issue lists plus the stranded-intake sweeper, with their schedules, each posting to its handlers route", () => {
    expect(metadata.cronTriggers.map((c) => [c.name, c.schedule, c.webhook])).toEqual([
      ["delete_expired_controllers", "0 0 * * *", "{{HANDLERS_BASE_URL}}/crons/delete_expired_controllers"],
      ["monthly_usage_check", "0 0 1 * *", "{{HANDLERS_BASE_URL}}/crons/monthly_usage_check"],
      ["process_scheduled_events", "*/10 * * * *", "{{HANDLERS_BASE_URL}}/crons/process_scheduled_events"],
      ["verify_domain_records", "*/15 * * * *", "{{HANDLERS_BASE_URL}}/crons/verify_domain_records"],
      ["consolidate_data_subjects", "0 * * * *", "{{HANDLERS_BASE_URL}}/crons/consolidate_data_subjects"],
      ["dsar_compliance_check", "0 8 * * *", "{{HANDLERS_BASE_URL}}/crons/dsar_compliance_check"],
      ["sweep_stranded_intake", "*/5 * * * *", "{{HANDLERS_BASE_URL}}/crons/sweep_stranded_intake"],
    ]);
    for (const cron of metadata.cronTriggers) {
      expect(cron.headers).toEqual(HANDLER_HEADER);
      expect(cron.include_in_metadata).toBe(true);
      // A tick picked up after the next one is due would only duplicate work.
      expect(cron.retry_conf?.tolerance_seconds).toBeGreaterThan(0);
    }
  });

  test.each([
    ["delete_expired_controllers", "2026-01-31T23:59:30Z", "2026-02-01T00:00:00.000Z"],
    ["monthly_usage_check", "2026-01-01T00:00:00Z", "2026-02-01T00:00:00.000Z"],
    ["process_scheduled_events", "2026-01-15T10:03:00Z", "2026-01-15T10:10:00.000Z"],
    ["verify_domain_records", "2026-01-15T10:03:00Z", "2026-01-15T10:15:00.000Z"],
    ["consolidate_data_subjects", "2026-01-15T10:03:00Z", "2026-01-15T11:00:00.000Z"],
    ["dsar_compliance_check", "2026-01-15T08:00:00Z", "2026-01-16T08:00:00.000Z"],
    ["sweep_stranded_intake", "2026-01-15T10:03:00Z", "2026-01-15T10:05:00.000Z"],
  ])("%s after %s next runs at %s (UTC)", (name, from, next) => {
    const cron = metadata.cronTriggers.find((c) => c.name === name);
    expect(cron).toBeDefined();
    const expression = CronExpressionParser.parse(cron?.schedule ?? "", { currentDate: new Date(from), tz: "UTC" });
    expect(expression.next().toISOString()).toBe(next);
  });
});

describe("actions", () => {
  test("cover rights request submission, consent preferences, custom integration management and joining a team", () => {
    expect(Object.fromEntries([...actionsSdl.fields].map(([name, f]) => [name, f.root]))).toEqual({
      insertRightsRequest: "mutation",
      verifyRightsRequest: "mutation",
      consentPreferences: "query",
      updateConsentPreferences: "mutation",
      createCustomIntegration: "mutation",
      customIntegrations: "query",
      customIntegration: "query",
      updateCustomIntegration: "mutation",
      deleteCustomIntegration: "mutation",
      rotateCustomIntegrationKey: "mutation",
      acceptTeamInvitation: "mutation",
    });
  });

  test("each calls its handlers route synchronously with the handlers secret", () => {
    for (const action of metadata.actions) {
      expect(action.definition.handler).toBe(`{{HANDLERS_BASE_URL}}/actions/${action.name}`);
      expect(action.definition.headers).toEqual(HANDLER_HEADER);
      expect(action.definition.kind).toBe("synchronous");
      expect(action.definition.timeout).toBe(30);
    }
  });

  test("actions.yaml states the same root (query or mutation) as actions.graphql", () => {
    const roots = metadata.actions.map((a) => [a.name, a.definition.type ?? "mutation"]);
    expect(roots).toEqual(metadata.actions.map((a) => [a.name, actionsSdl.fields.get(a.name)?.root]));
  });
});

function camelCase(snake: string): string {
  return snake.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

describe("GraphQL names", () => {
  test.each(tables.map((t) => [tableKey(t.table), t] as const))("%s: camelCase type, root fields and columns", (_key, table) => {
    const plural = table.configuration?.custom_name ?? "";
    const singular = table.configuration?.custom_root_fields?.select_by_pk;
    expect(plural).toMatch(/^[a-z][A-Za-z0-9]*$/);
    expect(typeof singular).toBe("string");
    const up = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
    const single = String(singular);
    expect(singular).not.toBe(plural);
    expect(table.configuration?.custom_root_fields).toEqual({
      select: plural,
      select_by_pk: single,
      select_aggregate: `${plural}Aggregate`,
      select_stream: `${plural}Stream`,
      insert: `insert${up(plural)}`,
      insert_one: `insert${up(single)}`,
      update: `update${up(plural)}`,
      update_by_pk: `update${up(single)}`,
      update_many: `update${up(plural)}Many`,
      delete: `delete${up(plural)}`,
      delete_by_pk: `delete${up(single)}`,
    });
    expect(Object.keys(table.configuration?.custom_root_fields ?? {}).sort()).toEqual([...CUSTOM_ROOT_FIELD_KEYS].sort());
    for (const [column, config] of Object.entries(table.configuration?.column_config ?? {})) {
      expect([column, config.custom_name]).toEqual([column, camelCase(column)]);
    }
  });

  test("the documented names exist", () => {
    const types = tables.map((t) => t.configuration?.custom_name);
    expect(types).toEqual(
      expect.arrayContaining([
        "dataControllers",
        "dataSubjects",
        "dataProcessingActivities",
        "dataSubjectRightsRequests",
        "dataSubjectConsentFormValues",
        "privacyPreservingLinks",
        "webhookIntake",
      ]),
    );
    expect(tableOf("public.data_subjects").configuration?.custom_root_fields?.insert_one).toBe("insertDataSubject");
    expect(tableOf("public.data_subject_rights_requests").configuration?.custom_root_fields?.insert_one).toBe("insertDataSubjectRightsRequest");
    expect(actionsSdl.fields.get("insertRightsRequest")?.root).toBe("mutation");
  });

  test("webhook_intake keeps the names conduit writes", () => {
    const intake = tableOf("public.webhook_intake");
    expect(intake.configuration?.custom_root_fields?.insert_one).toBe("insertWebhookIntakeEvent");
    expect(Object.values(intake.configuration?.column_config ?? {}).map((c) => c.custom_name)).toEqual([
      "id",
      "controllerId",
      "dataProcessorId",
      "service",
      "eventType",
      "platformEventId",
      "contentKey",
      "pii",
      "fieldTypes",
      "triggeredAt",
      "receivedAt",
      "status",
      "processedAt",
      "lastError",
      "attempts",
      "lastAttemptAt",
      "dedupWindowSeconds",
    ]);
  });
});
