/**
 * Result schemas of the usage and trial operations (graphql/operations/handlers/,
 * same names), spread into the handlers SDK's RESULT_SCHEMAS (adapters/sdk.ts).
 */
import { z } from "zod";

const uuid = z.string().uuid();
const timestamp = z.string().min(1);
const affected = z.object({ affected_rows: z.number().int() });
const count = z.object({ aggregate: z.object({ count: z.number().int() }) });

export const USAGE_RESULT_SCHEMAS = {
  FindControllersPage: z.object({ dataControllers: z.array(z.object({ id: uuid, title: z.string(), plan: z.string() })) }),
  CountControllerUsage: z.object({ activities: count, subjects: count, requests: count }),
  UpsertUsageRecords: z.object({ insertUsageRecords: affected.nullable() }),
  FindExpiredTrials: z.object({ dataControllers: z.array(z.object({ id: uuid, title: z.string(), trialExpiresAt: timestamp })) }),
  DeleteExpiredController: z.object({ deleteDataControllers: affected.nullable() }),
} as const;
