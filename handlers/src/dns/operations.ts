/**
 * Result schemas of the domain verification operations (graphql/operations/handlers/,
 * same names), spread into the handlers SDK's RESULT_SCHEMAS (adapters/sdk.ts).
 */
import { z } from "zod";

export const DNS_RESULT_SCHEMAS = {
  FindPendingDomains: z.object({
    domainVerifications: z.array(
      z.object({ id: z.string().uuid(), controllerId: z.string().uuid(), domain: z.string(), challenge: z.string(), checkAttempts: z.number().int() }),
    ),
  }),
  RecordDomainCheck: z.object({ updateDomainVerifications: z.object({ affected_rows: z.number().int() }).nullable() }),
} as const;
