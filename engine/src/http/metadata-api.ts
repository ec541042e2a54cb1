/**
 * POST /v1/metadata (contract 8.1, 8.2): `export_metadata`, `reload_metadata`,
 * `get_inconsistent_metadata` and `bulk` here; any other op type goes to the
 * first extension that lists it (events, crons, actions).
 */
import { z } from "zod";
import { HasuraError, isHasuraError } from "../errors";
import type { EngineExtension, RequestSession } from "../extensions";
import type { EngineCore } from "../server";
import type { EngineMetadata } from "../metadata";

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

/** Runs one metadata request (possibly `bulk`). Throws HasuraError for client errors. */
export async function runMetadataOperation(body: unknown, deps: MetadataCallDeps): Promise<unknown> {
  const parsed = MetadataRequestSchema.safeParse(body);
  if (!parsed.success) throw new HasuraError("parse-failed", "When parsing the metadata request: expected an object with a string key 'type'", "$");
  const { type, args } = parsed.data;
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
      return parsed.data.version === 2 ? { resource_version: 1, metadata } : metadata;
    }
    case "reload_metadata":
      try {
        await deps.engine.reload();
        return { is_consistent: true, message: "success" };
      } catch (err: unknown) {
        // The previous metadata keeps serving, as Hasura keeps a consistent schema (contract 8.1).
        const reason = err instanceof Error ? err.message.replace(/^\[[^\]]+\]\s*/, "") : "inconsistent metadata";
        return { is_consistent: false, message: "success", inconsistent_objects: [{ type: "metadata", reason }] };
      }
    case "get_inconsistent_metadata":
      return { is_consistent: true, inconsistent_objects: [] };
    default: {
      for (const ext of deps.extensions) {
        const op = ext.metadataOperations?.[type];
        if (op) return op(args ?? {}, deps.engine.state().ctx, deps.session);
      }
      throw new HasuraError("parse-failed", `unknown metadata command "${type}"`, "$.type");
    }
  }
}
