/**
 * POST /v1/metadata (contract 8.1, 8.2): `export_metadata`, `reload_metadata`,
 * `replace_metadata`, `clear_metadata`, `get_inconsistent_metadata` and `bulk`
 * here; any other op type goes to the first extension that lists it (events,
 * crons, actions).
 *
 * replace_metadata and clear_metadata change the metadata the engine serves,
 * in memory only (EngineCore.replaceMetadata): Hasura keeps metadata in its
 * database, never in the CLI project directory, so the directory stays the
 * CLI's source and a restart serves it again.
 */
import { z } from "zod";
import { HasuraError, isHasuraError } from "../errors";
import type { EngineExtension, RequestSession } from "../extensions";
import type { EngineCore } from "../server";
import type { EngineMetadata } from "../metadata";
import { ActionsFileSchema, CronTriggersFileSchema, DatabasesFileSchema } from "../../../common/src/metadata";

const MetadataRequestSchema = z.object({
  type: z.string(),
  args: z.unknown().optional(),
  version: z.number().int().optional(),
  resource_version: z.number().int().optional(),
});

export interface MetadataCallDeps {
  engine: EngineCore;
  extensions: readonly EngineExtension[];
  session: RequestSession;
}

/** The metadata as `export_metadata` returns it (contract 7.1). */
export function exportMetadata(metadata: EngineMetadata): Record<string, unknown> {
  const out: Record<string, unknown> = {
    version: 3,
    sources: metadata.sources,
  };
  if (metadata.actions.length > 0) out.actions = metadata.actions;
  const customTypes = metadata.customTypes as Record<string, unknown[] | undefined> | undefined;
  if (customTypes && Object.values(customTypes).some((v) => Array.isArray(v) && v.length > 0)) out.custom_types = customTypes;
  if (metadata.cronTriggers.length > 0) out.cron_triggers = metadata.cronTriggers;
  for (const [name, value] of Object.entries(metadata.other)) {
    const key = name === "allow_list" ? "allowlist" : name;
    if (Array.isArray(value) ? value.length > 0 : value !== null && typeof value === "object" && Object.keys(value).length > 0) out[key] = value;
  }
  return out;
}

/** The metadata object of replace_metadata (export_metadata's format; `tables`/`functions` at the top are the single-source v1/v2 format). */
const MetadataObjectSchema = z
  .object({
    version: z.number().int().optional(),
    sources: z.array(z.unknown()).optional(),
    tables: z.array(z.unknown()).optional(),
    functions: z.array(z.unknown()).optional(),
    actions: z.array(z.unknown()).optional(),
    custom_types: z.unknown().optional(),
    cron_triggers: z.array(z.unknown()).optional(),
  })
  .passthrough();

const ReplaceV2Schema = z
  .object({
    allow_inconsistent_metadata: z.boolean().default(false),
    allow_warnings: z.boolean().optional(),
    metadata: MetadataObjectSchema,
  })
  .strict();

/** Keys of the metadata object the engine keeps as opaque data (export_metadata gives them back). */
const KNOWN_KEYS = new Set(["version", "sources", "tables", "functions", "actions", "custom_types", "cron_triggers"]);

function parseArgs<S extends z.ZodType>(schema: S, value: unknown, path: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const at = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
  throw new HasuraError("parse-failed", `${issue.message}`, `${path}${at}`);
}

/** Turns a metadata object into the engine's metadata; `current` gives the project paths, the default source's connection and the actions SDL. */
export function metadataFromObject(object: z.infer<typeof MetadataObjectSchema>, current: EngineMetadata, path: string): EngineMetadata {
  const currentDefault = current.sources.find((src) => src.name === "default");
  const rawSources =
    object.sources ??
    (object.tables !== undefined || object.functions !== undefined
      ? [{ name: "default", kind: "postgres", configuration: currentDefault?.configuration ?? { connection_info: { database_url: { from_env: "HASURA_GRAPHQL_DATABASE_URL" } } }, tables: object.tables ?? [], functions: object.functions ?? [] }]
      : []);
  const sources = parseArgs(DatabasesFileSchema, rawSources, object.sources ? `${path}.sources` : path);
  const actionsFile = parseArgs(ActionsFileSchema, { actions: object.actions ?? [], ...(object.custom_types !== undefined ? { custom_types: object.custom_types } : {}) }, path);
  const cronTriggers = parseArgs(CronTriggersFileSchema, object.cron_triggers ?? [], `${path}.cron_triggers`);
  const other: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) if (!KNOWN_KEYS.has(key)) other[key === "allowlist" ? "allow_list" : key] = value;
  return {
    projectDir: current.projectDir,
    metadataDir: current.metadataDir,
    config: current.config,
    version: 3,
    sources,
    actions: actionsFile.actions,
    customTypes: actionsFile.custom_types,
    // Action types come from the project's actions.graphql (the engine reads them as SDL); exported actions carry none.
    actionsGraphql: current.actionsGraphql,
    cronTriggers,
    other,
  };
}

/** clear_metadata: nothing tracked; the default source and its connection stay (Hasura v2 keeps the env-configured default source). */
export function clearedMetadata(current: EngineMetadata): EngineMetadata {
  const currentDefault = current.sources.find((src) => src.name === "default");
  return {
    ...current,
    sources: currentDefault ? [{ ...currentDefault, tables: [], functions: [] }] : [],
    actions: [],
    customTypes: { enums: [], input_objects: [], objects: [], scalars: [] },
    actionsGraphql: "",
    cronTriggers: [],
    other: {},
  };
}

/** Runs one metadata request (possibly `bulk`). Throws HasuraError for client errors. */
export async function runMetadataOperation(body: unknown, deps: MetadataCallDeps): Promise<unknown> {
  const parsed = MetadataRequestSchema.safeParse(body);
  if (!parsed.success) throw new HasuraError("parse-failed", "When parsing the metadata request: expected an object with a string key 'type'", "$");
  const { type, args } = parsed.data;
  // Optimistic locking (contract 8.1): a request naming another resource_version than the current one changes nothing.
  const current = deps.engine.state().resourceVersion;
  if (parsed.data.resource_version !== undefined && parsed.data.resource_version !== current)
    throw new HasuraError("conflict", `metadata resource version referenced (${parsed.data.resource_version}) did not match current version`, "$", 409);
  switch (type) {
    case "bulk": {
      if (!Array.isArray(args)) throw new HasuraError("parse-failed", "bulk expects a list of metadata requests", "$.args");
      const results: unknown[] = [];
      for (const [i, item] of args.entries()) {
        try {
          results.push(await runMetadataOperation(item, deps));
        } catch (err: unknown) {
          if (isHasuraError(err)) throw new HasuraError(err.code, err.message, `$.args[${i}]${err.path.slice(1)}`, err.status);
          throw err;
        }
      }
      return results;
    }
    case "export_metadata": {
      const metadata = exportMetadata(deps.engine.state().ctx.metadata);
      return parsed.data.version === 2 ? { resource_version: current, metadata } : metadata;
    }
    case "reload_metadata":
      try {
        await deps.engine.reload();
        const objects = deps.engine.state().inconsistencies;
        return objects.length === 0 ? { is_consistent: true, message: "success" } : { is_consistent: false, message: "success", inconsistent_objects: objects };
      } catch (err: unknown) {
        // The previous metadata keeps serving, as Hasura keeps a consistent schema (contract 8.1).
        const reason = err instanceof Error ? err.message.replace(/^\[[^\]]+\]\s*/, "") : "inconsistent metadata";
        return { is_consistent: false, message: "success", inconsistent_objects: [{ type: "metadata", reason }] };
      }
    case "get_inconsistent_metadata": {
      const objects = deps.engine.state().inconsistencies;
      return { is_consistent: objects.length === 0, inconsistent_objects: objects };
    }
    case "replace_metadata": {
      // v2 args: {allow_inconsistent_metadata, allow_warnings, metadata}; v1 args: the metadata object itself (metadata-api/manage-metadata).
      const v2 = parsed.data.version === 2 || (typeof args === "object" && args !== null && "metadata" in args);
      const request = v2 ? parseArgs(ReplaceV2Schema, args, "$.args") : { allow_inconsistent_metadata: false, metadata: parseArgs(MetadataObjectSchema, args, "$.args") };
      const metadata = metadataFromObject(request.metadata, deps.engine.state().ctx.metadata, v2 ? "$.args.metadata" : "$.args");
      const objects = await deps.engine.replaceMetadata(metadata, request.allow_inconsistent_metadata);
      return v2 ? { is_consistent: objects.length === 0, inconsistent_objects: objects } : { message: "success" };
    }
    case "clear_metadata":
      await deps.engine.replaceMetadata(clearedMetadata(deps.engine.state().ctx.metadata), true);
      return { message: "success" };
    default: {
      for (const ext of deps.extensions) {
        const op = ext.metadataOperations?.[type];
        if (op) return op(args ?? {}, deps.engine.state().ctx, deps.session);
      }
      throw new HasuraError("parse-failed", `unknown metadata command "${type}"`, "$.type");
    }
  }
}
