/**
 * The event-trigger definitions this subsystem runs on, as zod schemas.
 *
 * Shapes follow ../../../../shared/specs/hasura-contract.md 1.1 and 7.3 (the
 * metadata file form: operation specs under `definition`). They are structurally
 * the same as the parsed output of common/src/metadata, so the loaded metadata
 * can be handed over as is; parsing here again keeps this module usable alone
 * (tests, the delivery worker run as a child process).
 */
import { z } from "zod";

export const TableNameSchema = z.object({ schema: z.string().min(1), name: z.string().min(1) });
export type TableName = z.infer<typeof TableNameSchema>;

export const ColumnListSchema = z.union([z.literal("*"), z.array(z.string().min(1))]);
export type ColumnList = z.infer<typeof ColumnListSchema>;

/** `{name, value}` (value may hold `{{ENV}}` placeholders) or `{name, value_from_env}`. */
export const HeaderConfSchema = z.union([
  z.object({ name: z.string().min(1), value: z.string() }),
  z.object({ name: z.string().min(1), value_from_env: z.string().min(1) }),
]);
export type HeaderConf = z.infer<typeof HeaderConfSchema>;

const OperationSpecSchema = z.object({ columns: ColumnListSchema, payload: ColumnListSchema.optional() });
export type OperationSpec = z.infer<typeof OperationSpecSchema>;

/** Defaults from the contract 1.1: 0 retries, 10 s apart, 60 s timeout. */
export const EventRetryConfSchema = z.object({
  num_retries: z.number().int().nonnegative().default(0),
  interval_sec: z.number().int().positive().default(10),
  timeout_sec: z.number().int().positive().default(60),
});
export type EventRetryConf = z.infer<typeof EventRetryConfSchema>;

export const EventTriggerDefSchema = z
  .object({
    // Hasura: "only alphanumeric and underscore and hyphens allowed for name".
    name: z.string().regex(/^[A-Za-z0-9_-]+$/, "only alphanumeric and underscore and hyphens allowed for name"),
    definition: z.object({
      enable_manual: z.boolean().default(false),
      insert: OperationSpecSchema.optional(),
      update: OperationSpecSchema.optional(),
      delete: OperationSpecSchema.optional(),
    }),
    retry_conf: EventRetryConfSchema.default({ num_retries: 0, interval_sec: 10, timeout_sec: 60 }),
    webhook: z.string().min(1).optional(),
    webhook_from_env: z.string().min(1).optional(),
    headers: z.array(HeaderConfSchema).optional(),
    trigger_on_replication: z.boolean().optional(),
  })
  .refine((t) => (t.webhook === undefined) !== (t.webhook_from_env === undefined), "give exactly one of webhook or webhook_from_env");
export type EventTriggerDef = z.infer<typeof EventTriggerDefSchema>;

/** One trigger together with the table it belongs to. */
export const TableEventTriggerSchema = z.object({ table: TableNameSchema, trigger: EventTriggerDefSchema });
export type TableEventTrigger = z.infer<typeof TableEventTriggerSchema>;

/** The operations a Postgres row trigger can capture, in the spelling of TG_OP. */
export const CAPTURED_OPS = ["INSERT", "UPDATE", "DELETE"] as const;
export type CapturedOp = (typeof CAPTURED_OPS)[number];

export function operationSpec(trigger: EventTriggerDef, op: CapturedOp): OperationSpec | undefined {
  switch (op) {
    case "INSERT":
      return trigger.definition.insert;
    case "UPDATE":
      return trigger.definition.update;
    case "DELETE":
      return trigger.definition.delete;
    default: {
      const never: never = op;
      throw new Error(`[engine/events] unknown op ${String(never)}`);
    }
  }
}

/**
 * Collects every table's event triggers from the sources of a metadata object
 * (only the keys this module reads), validating each with the schema above.
 */
export function collectEventTriggers(sources: readonly { tables?: readonly { table: unknown; event_triggers?: readonly unknown[] }[] }[]): TableEventTrigger[] {
  const out: TableEventTrigger[] = [];
  for (const source of sources) {
    for (const table of source.tables ?? []) {
      for (const trigger of table.event_triggers ?? []) out.push(TableEventTriggerSchema.parse({ table: table.table, trigger }));
    }
  }
  return out;
}
