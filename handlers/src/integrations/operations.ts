/**
 * Result schemas of the integration sync operations
 * (graphql/operations/handlers/, same names), merged into the handlers SDK.
 */
import { z } from "zod";

const uuid = z.string().uuid();
const timestamp = z.string().min(1);
const jsonObject = z.record(z.string(), z.unknown());

const ProcessorSchema = z.object({ id: uuid, service: z.string(), status: z.string(), config: jsonObject });

export const INTEGRATION_RESULT_SCHEMAS = {
  FindConsentSyncTargets: z.object({
    purpose: z.object({ id: uuid, slug: z.string(), isSaleOrSharing: z.boolean() }).nullable(),
    dataSubject: z.object({ id: uuid, status: z.string(), privacyPreservingLinks: z.array(z.object({ sourceProcessor: ProcessorSchema.nullable() })) }).nullable(),
  }),
  QueueConsentSyncJobs: z.object({ insertIntegrationSyncJobs: z.object({ affected_rows: z.number().int() }).nullable() }),
  FindDueConsentSyncJobs: z.object({
    integrationSyncJobs: z.array(z.object({ id: uuid, status: z.string(), attempts: z.number().int(), idempotencyKey: z.string() })),
  }),
  ClaimConsentSyncJob: z.object({ updateIntegrationSyncJobs: z.object({ affected_rows: z.number().int() }).nullable() }),
  FindConsentSyncJobContext: z.object({
    integrationSyncJob: z
      .object({
        id: uuid,
        controllerId: uuid,
        jobType: z.string(),
        idempotencyKey: z.string(),
        attempts: z.number().int(),
        dataProcessor: ProcessorSchema.nullable(),
        dataSubject: z
          .object({
            id: uuid,
            status: z.string(),
            privacyPreservingLinks: z.array(z.object({ identifierType: z.string(), identifierHash: z.string(), keyVersion: z.number().int(), sourceProcessorId: uuid.nullable() })),
            preferenceValues: z.array(z.object({ granted: z.boolean(), updatedAt: timestamp, sourceFormValueId: uuid.nullable() })),
          })
          .nullable(),
      })
      .nullable(),
    purpose: z.object({ id: uuid, slug: z.string(), isSaleOrSharing: z.boolean() }).nullable(),
  }),
  RecordConsentSyncResult: z.object({ updateIntegrationSyncJobs: z.object({ affected_rows: z.number().int() }).nullable() }),
  /** Custom-integration actions: the controllers the caller is an active owner or admin of. */
  FindManagedControllers: z.object({ dataControllerUsers: z.array(z.object({ controllerId: uuid })) }),
} as const;
