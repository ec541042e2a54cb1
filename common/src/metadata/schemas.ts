/**
 * zod schemas for Hasura v2 metadata as the Hasura CLI (config v3) writes it.
 *
 * Shapes follow Hasura's metadata reference (docs: api-reference/syntax-defs,
 * migrations-metadata-seeds/metadata-format) and ../shared/specs/hasura-contract.md
 * sections 1.1, 2.5, 3.1 and 7. Objects are strict where our tooling relies on a
 * key's meaning (a typo such as `filer` must fail the build), and pass unknown
 * keys through where Hasura has grown many optional features we do not use
 * (transforms, remote schemas), so valid projects from elsewhere still load.
 */
import { z } from "zod";

/** `{ schema, name }`, or a bare name meaning schema `public`. */
export const QualifiedTableSchema = z
  .union([z.string().min(1), z.object({ schema: z.string().min(1).default("public"), name: z.string().min(1) }).strict()])
  .transform((t) => (typeof t === "string" ? { schema: "public", name: t } : t));
export type QualifiedTable = z.infer<typeof QualifiedTableSchema>;

/**
 * A permission or event BoolExp. Its operators are checked where it is compiled
 * (engine/src/permissions); here it must at least be a JSON object.
 */
export type BoolExp = { [key: string]: unknown };
export const BoolExpSchema: z.ZodType<BoolExp> = z.record(z.string(), z.unknown());

export const ColumnsSchema = z.union([z.literal("*"), z.array(z.string().min(1))]);
export type Columns = z.infer<typeof ColumnsSchema>;

const CustomRootFieldSchema = z.union([
  z.string().min(1),
  z.object({ name: z.string().min(1).nullable().optional(), comment: z.string().nullable().optional() }).strict(),
]);

export const CUSTOM_ROOT_FIELD_KEYS = [
  "select",
  "select_by_pk",
  "select_aggregate",
  "select_stream",
  "insert",
  "insert_one",
  "update",
  "update_by_pk",
  "update_many",
  "delete",
  "delete_by_pk",
] as const;
export type CustomRootFieldKey = (typeof CUSTOM_ROOT_FIELD_KEYS)[number];

export const TableConfigurationSchema = z
  .object({
    custom_name: z.string().min(1).optional(),
    custom_root_fields: z.partialRecord(z.enum(CUSTOM_ROOT_FIELD_KEYS), CustomRootFieldSchema).optional(),
    column_config: z
      .record(z.string(), z.object({ custom_name: z.string().min(1).optional(), comment: z.string().optional() }).strict())
      .optional(),
    /** Deprecated predecessor of column_config, still accepted by Hasura. */
    custom_column_names: z.record(z.string(), z.string()).optional(),
    comment: z.string().optional(),
  })
  .strict();
export type TableConfiguration = z.infer<typeof TableConfigurationSchema>;

const ForeignKeyOnSchema = z.union([
  z.string().min(1),
  z.array(z.string().min(1)).min(1),
  z
    .object({
      table: QualifiedTableSchema,
      column: z.string().min(1).optional(),
      columns: z.array(z.string().min(1)).min(1).optional(),
    })
    .strict()
    .refine((v) => (v.column === undefined) !== (v.columns === undefined), "give exactly one of column or columns"),
]);

const ManualConfigurationSchema = z
  .object({
    remote_table: QualifiedTableSchema,
    column_mapping: z.record(z.string(), z.string()),
    insertion_order: z.enum(["before_parent", "after_parent"]).nullable().optional(),
  })
  .strict();

export const RelationshipSchema = z
  .object({
    name: z.string().min(1),
    using: z.union([
      z.object({ foreign_key_constraint_on: ForeignKeyOnSchema }).strict(),
      z.object({ manual_configuration: ManualConfigurationSchema }).strict(),
    ]),
    comment: z.string().optional(),
  })
  .strict();
export type Relationship = z.infer<typeof RelationshipSchema>;

export const SelectPermissionSchema = z
  .object({
    columns: ColumnsSchema,
    filter: BoolExpSchema.default({}),
    limit: z.number().int().nonnegative().optional(),
    allow_aggregations: z.boolean().optional(),
    computed_fields: z.array(z.string()).optional(),
    query_root_fields: z.array(z.enum(["select", "select_by_pk", "select_aggregate"])).nullable().optional(),
    subscription_root_fields: z.array(z.enum(["select", "select_by_pk", "select_aggregate", "select_stream"])).nullable().optional(),
  })
  .strict();

const PresetsSchema = z.record(z.string(), z.unknown());

export const InsertPermissionSchema = z
  .object({
    check: BoolExpSchema.default({}),
    set: PresetsSchema.optional(),
    columns: ColumnsSchema.optional(),
    backend_only: z.boolean().optional(),
    validate_input: z.unknown().optional(),
  })
  .strict();

export const UpdatePermissionSchema = z
  .object({
    columns: ColumnsSchema,
    filter: BoolExpSchema.default({}),
    check: BoolExpSchema.nullable().optional(),
    set: PresetsSchema.optional(),
    backend_only: z.boolean().optional(),
    validate_input: z.unknown().optional(),
  })
  .strict();

export const DeletePermissionSchema = z
  .object({
    filter: BoolExpSchema.default({}),
    backend_only: z.boolean().optional(),
    validate_input: z.unknown().optional(),
  })
  .strict();

const permissionEntry = <T extends z.ZodType>(permission: T) =>
  z.object({ role: z.string().min(1), permission, comment: z.string().optional() }).strict();

export const HeaderSchema = z.union([
  z.object({ name: z.string().min(1), value: z.string() }).strict(),
  z.object({ name: z.string().min(1), value_from_env: z.string().min(1) }).strict(),
]);
export type Header = z.infer<typeof HeaderSchema>;

const OperationSpecSchema = z.object({ columns: ColumnsSchema, payload: ColumnsSchema.optional() }).strict();

export const EventTriggerSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_-]{1,42}$/, "1-42 letters, digits, _ or -"),
    definition: z
      .object({
        enable_manual: z.boolean().default(false),
        insert: OperationSpecSchema.optional(),
        update: OperationSpecSchema.optional(),
        delete: OperationSpecSchema.optional(),
      })
      .strict(),
    retry_conf: z
      .object({
        num_retries: z.number().int().nonnegative().default(0),
        interval_sec: z.number().int().positive().default(10),
        timeout_sec: z.number().int().positive().default(60),
      })
      .strict()
      .default({ num_retries: 0, interval_sec: 10, timeout_sec: 60 }),
    webhook: z.string().min(1).optional(),
    webhook_from_env: z.string().min(1).optional(),
    headers: z.array(HeaderSchema).optional(),
    request_transform: z.unknown().optional(),
    response_transform: z.unknown().optional(),
    cleanup_config: z.unknown().optional(),
    comment: z.string().optional(),
  })
  .strict()
  .refine((t) => (t.webhook === undefined) !== (t.webhook_from_env === undefined), "give exactly one of webhook or webhook_from_env")
  .refine((t) => t.definition.insert || t.definition.update || t.definition.delete || t.definition.enable_manual, "an event trigger needs at least one operation or enable_manual");
export type EventTrigger = z.infer<typeof EventTriggerSchema>;

export const ComputedFieldSchema = z
  .object({
    name: z.string().min(1),
    definition: z
      .object({
        function: QualifiedTableSchema,
        table_argument: z.string().optional(),
        session_argument: z.string().optional(),
      })
      .strict(),
    comment: z.string().optional(),
  })
  .strict();

export const TableMetadataSchema = z
  .object({
    table: QualifiedTableSchema,
    is_enum: z.boolean().optional(),
    configuration: TableConfigurationSchema.optional(),
    object_relationships: z.array(RelationshipSchema).optional(),
    array_relationships: z.array(RelationshipSchema).optional(),
    computed_fields: z.array(ComputedFieldSchema).optional(),
    remote_relationships: z.array(z.unknown()).optional(),
    select_permissions: z.array(permissionEntry(SelectPermissionSchema)).optional(),
    insert_permissions: z.array(permissionEntry(InsertPermissionSchema)).optional(),
    update_permissions: z.array(permissionEntry(UpdatePermissionSchema)).optional(),
    delete_permissions: z.array(permissionEntry(DeletePermissionSchema)).optional(),
    event_triggers: z.array(EventTriggerSchema).optional(),
  })
  .strict();
export type TableMetadata = z.infer<typeof TableMetadataSchema>;
export type SelectPermission = z.infer<typeof SelectPermissionSchema>;
export type InsertPermission = z.infer<typeof InsertPermissionSchema>;
export type UpdatePermission = z.infer<typeof UpdatePermissionSchema>;
export type DeletePermission = z.infer<typeof DeletePermissionSchema>;

/** A value given directly or read from an environment variable at run time. */
export const FromEnvSchema = z.union([z.string(), z.object({ from_env: z.string().min(1) }).strict()]);

export const SourceSchema = z
  .object({
    name: z.string().min(1),
    kind: z.string().default("postgres"),
    configuration: z
      .object({
        connection_info: z
          .object({
            database_url: z.union([FromEnvSchema, z.object({ connection_parameters: z.record(z.string(), z.unknown()) }).strict()]),
            isolation_level: z.enum(["read-committed", "repeatable-read", "serializable"]).optional(),
            use_prepared_statements: z.boolean().optional(),
            pool_settings: z.record(z.string(), z.unknown()).optional(),
          })
          .passthrough(),
        read_replicas: z.array(z.unknown()).optional(),
      })
      .passthrough(),
    customization: z
      .object({
        naming_convention: z.enum(["hasura-default", "graphql-default"]).optional(),
        root_fields: z.record(z.string(), z.unknown()).optional(),
        type_names: z.record(z.string(), z.unknown()).optional(),
      })
      .passthrough()
      .optional(),
    tables: z.array(TableMetadataSchema).default([]),
    functions: z.array(z.unknown()).default([]),
  })
  .strict();
export type Source = z.infer<typeof SourceSchema>;

export const CronTriggerSchema = z
  .object({
    name: z.string().min(1),
    webhook: z.string().min(1),
    schedule: z.string().min(1),
    include_in_metadata: z.boolean().default(true),
    payload: z.unknown().optional(),
    retry_conf: z
      .object({
        num_retries: z.number().int().nonnegative().default(0),
        retry_interval_seconds: z.number().int().positive().default(10),
        timeout_seconds: z.number().int().positive().default(60),
        tolerance_seconds: z.number().int().positive().default(21600),
      })
      .strict()
      .optional(),
    headers: z.array(HeaderSchema).optional(),
    comment: z.string().optional(),
    request_transform: z.unknown().optional(),
    response_transform: z.unknown().optional(),
  })
  .strict();
export type CronTrigger = z.infer<typeof CronTriggerSchema>;

export const ActionSchema = z
  .object({
    name: z.string().min(1),
    definition: z
      .object({
        kind: z.enum(["synchronous", "asynchronous"]).default("synchronous"),
        handler: z.string().min(1),
        type: z.enum(["query", "mutation"]).optional(),
        forward_client_headers: z.boolean().optional(),
        headers: z.array(HeaderSchema).optional(),
        timeout: z.number().int().positive().optional(),
        request_transform: z.unknown().optional(),
        response_transform: z.unknown().optional(),
        arguments: z.array(z.unknown()).optional(),
        output_type: z.string().optional(),
      })
      .strict(),
    permissions: z.array(z.object({ role: z.string().min(1) }).strict()).optional(),
    comment: z.string().optional(),
  })
  .strict();
export type Action = z.infer<typeof ActionSchema>;

const CustomTypeRelationshipSchema = z
  .object({
    name: z.string().min(1),
    type: z.enum(["object", "array"]),
    remote_table: QualifiedTableSchema,
    field_mapping: z.record(z.string(), z.string()),
    source: z.string().optional(),
  })
  .strict();

export const CustomTypesSchema = z
  .object({
    enums: z.array(z.object({ name: z.string(), description: z.string().nullable().optional() }).passthrough()).default([]),
    input_objects: z.array(z.object({ name: z.string(), description: z.string().nullable().optional() }).passthrough()).default([]),
    objects: z
      .array(
        z
          .object({
            name: z.string(),
            description: z.string().nullable().optional(),
            relationships: z.array(CustomTypeRelationshipSchema).optional(),
          })
          .passthrough(),
      )
      .default([]),
    scalars: z.array(z.object({ name: z.string(), description: z.string().nullable().optional() }).passthrough()).default([]),
  })
  .strict();
export type CustomTypes = z.infer<typeof CustomTypesSchema>;

export const ActionsFileSchema = z
  .object({
    actions: z.array(ActionSchema).default([]),
    custom_types: CustomTypesSchema.default({ enums: [], input_objects: [], objects: [], scalars: [] }),
  })
  .strict();

export const ProjectConfigSchema = z
  .object({
    version: z.literal(3),
    endpoint: z.string().optional(),
    admin_secret: z.string().optional(),
    metadata_directory: z.string().default("metadata"),
    migrations_directory: z.string().default("migrations"),
    seeds_directory: z.string().default("seeds"),
    actions: z
      .object({
        kind: z.enum(["synchronous", "asynchronous"]).optional(),
        handler_webhook_baseurl: z.string().optional(),
        codegen: z.unknown().optional(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough();
export type ProjectConfig = z.infer<typeof ProjectConfigSchema>;

export const DatabasesFileSchema = z.array(SourceSchema);
export const CronTriggersFileSchema = z.array(CronTriggerSchema);
