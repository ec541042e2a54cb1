/**
 * Result schemas of the intake and identity operations
 * (graphql/operations/handlers/, same names), spread into the handlers SDK's
 * RESULT_SCHEMAS (adapters/sdk.ts).
 */
import { z } from "zod";

const uuid = z.string().uuid();
const affected = z.object({ affected_rows: z.number().int() });

const LinkWithSubjectSchema = z.object({
  identifierType: z.string(),
  identifierHash: z.string(),
  dataSubjectId: uuid,
  dataSubject: z.object({ id: uuid, status: z.string(), mergedInto: uuid.nullable(), createdAt: z.string().min(1) }),
});
const PreferenceSchema = z.object({ purposeId: uuid, granted: z.boolean(), sourceFormValueId: uuid.nullable() });
/** FindIntakeContext's links also carry each subject's consent state (for the compliance check at intake). */
const LinkWithConsentSchema = LinkWithSubjectSchema.extend({
  dataSubject: LinkWithSubjectSchema.shape.dataSubject.extend({ preferenceValues: z.array(PreferenceSchema) }),
});
const PurposeRefSchema = z.object({
  id: uuid,
  slug: z.string(),
  legalBasis: z.string(),
  status: z.string(),
  retentionDays: z.number().int().nullable(),
  retentionCriteria: z.string().nullable(),
});
const LinkOwnerSchema = z.object({ identifierType: z.string(), identifierHash: z.string(), dataSubjectId: uuid });

/** A claimed intake row as the API returns it (camelCase); mapped to the trigger's row shape by the sweeper. */
export const ClaimedIntakeSchema = z.object({
  id: uuid,
  controllerId: uuid,
  dataProcessorId: uuid.nullable(),
  service: z.string(),
  eventType: z.string(),
  platformEventId: z.string().nullable(),
  pii: z.unknown(),
  fieldTypes: z.array(z.string()),
  triggeredAt: z.string(),
  status: z.string(),
  attempts: z.number().int(),
});
export type ClaimedIntake = z.infer<typeof ClaimedIntakeSchema>;

export const INTAKE_RESULT_SCHEMAS = {
  FindIntakeContext: z.object({
    webhookIntakeEvent: z
      .object({
        id: uuid,
        status: z.string(),
        dataProcessor: z
          .object({
            id: uuid,
            service: z.string(),
            status: z.string(),
            config: z.record(z.string(), z.unknown()),
            controller: z.object({
              purposes: z.array(PurposeRefSchema),
              consentForms: z.array(z.object({ regime: z.string(), categories: z.array(z.object({ purposeId: uuid.nullable(), isRequired: z.boolean() })) })),
            }),
          })
          .nullable(),
      })
      .nullable(),
    privacyPreservingLinks: z.array(LinkWithConsentSchema),
  }),
  FindLinksByIdentifiers: z.object({ privacyPreservingLinks: z.array(LinkWithSubjectSchema) }),
  MergeDataSubjects: z.object({ updateDataSubjects: affected.nullable() }),
  RecordProcessingActivity: z.object({
    insertPrivacyPreservingLinks: z.object({ returning: z.array(LinkOwnerSchema) }).nullable(),
    insertNewLinks: affected.nullable(),
    insertDataProcessingActivity: z.object({ id: uuid }).nullable(),
    updateWebhookIntakeEvent: z.object({ id: uuid }).nullable(),
    updateDataSubjects: affected.nullable(),
  }),
  RecordIntakeWithNewSubject: z.object({
    insertDataSubject: z.object({ id: uuid }).nullable(),
    insertPrivacyPreservingLinks: affected.nullable(),
    insertDataProcessingActivity: z.object({ id: uuid }).nullable(),
    updateWebhookIntakeEvent: z.object({ id: uuid }).nullable(),
  }),
  MarkIntakeFailed: z.object({ updateWebhookIntake: affected.nullable() }),
  FindStrandedIntake: z.object({ webhookIntake: z.array(z.object({ id: uuid })) }),
  ClaimStrandedIntake: z.object({ updateWebhookIntake: z.object({ returning: z.array(ClaimedIntakeSchema) }).nullable() }),
  RecordIntakeAttemptError: z.object({ updateWebhookIntake: affected.nullable() }),
} as const;
