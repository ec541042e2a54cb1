/**
 * IntakeStore over the GraphQL API as admin (x-hasura-admin-secret), with the
 * operation documents of graphql/operations/conduit/ (one per file). Responses
 * are parsed with zod at this boundary. Controller and processor lookups are
 * cached briefly (bounded LRU + TTL) so the hot path does not query twice per
 * request (a rotated DX key or secret takes effect within the TTL). Misses are
 * not cached, so a newly created integration works at once.
 *
 * The documents are validated against graphql/schema.graphql by
 * conduit/test/unit/operations.test.ts; results are typed by zod here, the
 * same way handlers/src/adapters/sdk.ts does, until the shared generated SDK
 * (graphql/generated/sdk.ts, `npm run codegen`) is committed and replaces them.
 */
import { z } from "zod";
import { cached, TtlLru } from "./lru";
import { withBatching } from "./batching-store";
import { createAdminRequest } from "./operations";
import {
  ControllerRecordSchema,
  ProcessorRecordSchema,
  type ControllerRecord,
  type IntakeRow,
  type IntakeStore,
  type ProcessorRecord,
  type RightsRequestRow,
} from "./types";

const ControllersResult = z.object({ dataControllers: z.array(ControllerRecordSchema) });
const ProcessorResult = z.object({ dataProcessor: ProcessorRecordSchema.nullable() });
const ProcessorsResult = z.object({ dataProcessors: z.array(ProcessorRecordSchema) });
const InsertResult = z.object({ insertWebhookIntake: z.object({ affected_rows: z.number().int() }).nullable() });
const RecentResult = z.object({ webhookIntake: z.array(z.object({ contentKey: z.string() })) });
const InsertRightsResult = z.object({ insertDataSubjectRightsRequest: z.object({ id: z.string() }).nullable() });
const RightsExistResult = z.object({ dataSubjectRightsRequests: z.array(z.object({ id: z.string() })) });

export interface GraphqlStoreOptions {
  endpoint: string;
  adminSecret: string;
  /** Cache lifetime for controller/processor lookups (default 30 s). */
  cacheTtlMs?: number;
  cacheMaxEntries?: number;
  /** Per-request timeout (default 5 s; platforms allow 3–5 s in total). */
  timeoutMs?: number;
}

export function createGraphqlStore(options: GraphqlStoreOptions & { batching?: boolean }): IntakeStore {
  const store = createUnbatchedStore(options);
  return options.batching ? withBatching(store, createAdminRequest(options)) : store;
}

function createUnbatchedStore(options: GraphqlStoreOptions): IntakeStore {
  const request = createAdminRequest(options);

  const ttl = options.cacheTtlMs ?? 30_000;
  const max = options.cacheMaxEntries ?? 10_000;
  const controllerCache = new TtlLru<ControllerRecord | undefined>(max, ttl);
  const processorCache = new TtlLru<ProcessorRecord | undefined>(max, ttl);

  const loadController = cached(controllerCache, async (did) => {
    const result = await request(ControllersResult, "FindControllerByDid", { did });
    return result.dataControllers[0];
  });
  const loadProcessor = cached(processorCache, async (id) => {
    const result = await request(ProcessorResult, "FindDataProcessor", { id });
    return result.dataProcessor ?? undefined;
  });

  return {
    async findControllerByDid(did) {
      const found = await loadController(did);
      if (!found) controllerCache.delete(did);
      return found;
    },
    async findProcessor(id) {
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return undefined;
      const found = await loadProcessor(id);
      if (!found) processorCache.delete(id);
      return found;
    },
    async findProcessorsByService(controllerId, service) {
      const key = `${controllerId}/${service}`;
      const hit = processorCache.get(key);
      if (hit) return [hit];
      const result = await request(ProcessorsResult, "FindDataProcessorsByService", { controllerId, service });
      if (result.dataProcessors.length === 1) processorCache.set(key, result.dataProcessors[0]);
      return result.dataProcessors;
    },
    async insertIntake(rows) {
      if (rows.length === 0) return 0;
      const result = await request(InsertResult, "InsertWebhookIntake", { objects: [...rows] });
      return result.insertWebhookIntake?.affected_rows ?? 0;
    },
    async recentContentKeys(controllerId, keys, since) {
      if (keys.length === 0) return new Set();
      const result = await request(RecentResult, "FindRecentWebhookIntake", {
        controllerId,
        contentKeys: [...new Set(keys)],
        since: since.toISOString(),
      });
      return new Set(result.webhookIntake.map((r) => r.contentKey));
    },
    async rightsRequestExists(controllerId, details) {
      const result = await request(RightsExistResult, "FindPlatformRightsRequest", { controllerId, details });
      return result.dataSubjectRightsRequests.length > 0;
    },
    async insertRightsRequest(intake: IntakeRow, rightsRequest: RightsRequestRow) {
      await request(InsertRightsResult, "InsertPlatformRightsRequest", { intake, request: rightsRequest });
    },
  };
}
