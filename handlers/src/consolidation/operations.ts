/**
 * Result schemas of the consolidation operations (graphql/operations/handlers/,
 * same names), spread into the handlers SDK's RESULT_SCHEMAS (adapters/sdk.ts).
 */
import { z } from "zod";

const uuid = z.string().uuid();
const timestamp = z.string().min(1);
const affected = z.object({ affected_rows: z.number().int() });

const SubjectNodeSchema = z.object({
  id: uuid,
  controllerId: uuid,
  createdAt: timestamp,
  status: z.string(),
  mergedInto: uuid.nullable(),
  mergeIdentifierType: z.string().nullable(),
});

export const CONSOLIDATION_RESULT_SCHEMAS = {
  FindSubjectsToConsolidate: z.object({ dataSubjects: z.array(SubjectNodeSchema) }),
  FindSubjectsByIds: z.object({ dataSubjects: z.array(SubjectNodeSchema) }),
  FindSubjectsOwningRows: z.object({
    withLinks: z.array(z.object({ id: uuid })),
    withActivities: z.array(z.object({ id: uuid })),
    withRequests: z.array(z.object({ id: uuid })),
    withSyncJobs: z.array(z.object({ id: uuid })),
  }),
  FindPreferenceValuesOfSubjects: z.object({
    dataSubjectPreferenceValues: z.array(
      z.object({ id: uuid, dataSubjectId: uuid, purposeId: uuid, granted: z.boolean(), sourceFormValueId: uuid.nullable(), updatedAt: timestamp }),
    ),
  }),
  ConsolidateDataSubjects: z.object({
    deleteDataSubjectPreferenceValues: affected.nullable(),
    updateDataSubjectsMany: z.array(affected.nullable()).nullable(),
    updatePrivacyPreservingLinksMany: z.array(affected.nullable()).nullable(),
    updateDataProcessingActivitiesMany: z.array(affected.nullable()).nullable(),
    updateDataSubjectRightsRequestsMany: z.array(affected.nullable()).nullable(),
    updateIntegrationSyncJobsMany: z.array(affected.nullable()).nullable(),
    updateDataSubjectPreferenceValuesMany: z.array(affected.nullable()).nullable(),
  }),
} as const;
