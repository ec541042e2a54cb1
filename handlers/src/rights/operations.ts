/**
 * Result schemas of the rights-request operations in
 * graphql/operations/handlers/ (same names), spread into the handlers SDK
 * (src/adapters/sdk.ts) so rights code takes `Pick<HandlersSdk, ...>` like the
 * rest of handlers.
 */
import { z } from "zod";

const uuid = z.string().uuid();
const timestamp = z.string().min(1);
const affected = z.object({ affected_rows: z.number().int() });
const jsonObject = z.record(z.string(), z.unknown());

export const RightsRequestRecordSchema = z.object({
  id: uuid,
  controllerId: uuid,
  dataSubjectId: uuid.nullable(),
  requestType: z.string(),
  status: z.string(),
  regime: z.string(),
  jurisdiction: z.string().nullable(),
  source: z.string(),
  requesterType: z.string(),
  requesterEmailEncrypted: z.string().nullable(),
  requesterEmailHash: z.string().nullable(),
  verificationMethod: z.string().nullable(),
  verificationTokenHash: z.string().nullable(),
  verificationRequestedAt: timestamp.nullable(),
  verificationExpiresAt: timestamp.nullable(),
  verificationAttempts: z.number().int(),
  verifiedAt: timestamp.nullable(),
  receivedAt: timestamp,
  receivedOn: z.string().nullable(),
  ackDueAt: timestamp.nullable(),
  acknowledgedAt: timestamp.nullable(),
  dueAt: timestamp.nullable(),
  targetDueAt: timestamp.nullable(),
  extended: z.boolean(),
  extensionReason: z.string().nullable(),
  extensionNotifiedAt: timestamp.nullable(),
  extendedDueAt: timestamp.nullable(),
  completedAt: timestamp.nullable(),
  outcome: z.string().nullable(),
  refusalReason: z.string().nullable(),
  refusalNotifiedAt: timestamp.nullable(),
  resultLocation: z.string().nullable(),
  resultExpiresAt: timestamp.nullable(),
  events: z.array(z.object({ step: z.string(), status: z.string(), message: z.string().nullable() })),
  controller: z.object({
    id: uuid,
    title: z.string(),
    settings: jsonObject,
    details: z
      .object({
        legalName: z.string().nullable(),
        timezone: z.string(),
        dpoEmail: z.string().nullable(),
        contactEmail: z.string().nullable(),
        supervisoryAuthority: z.string().nullable(),
      })
      .nullable(),
    members: z.array(z.object({ user: z.object({ email: z.string(), displayName: z.string().nullable() }) })),
  }),
});
export type RightsRequestRecord = z.infer<typeof RightsRequestRecordSchema>;

const ActivityRowSchema = z.object({
  id: uuid,
  triggeredAt: timestamp,
  eventType: z.string(),
  piiFieldTypes: z.array(z.string()),
  legalBasis: z.string(),
  purpose: z.string().nullable(),
  complianceStatus: z.string(),
  dataProcessorId: uuid.nullable(),
  purposeId: uuid.nullable(),
});
const ExportProcessorSchema = z.object({ id: uuid, service: z.string(), name: z.string(), countryCode: z.string().nullable() });
export type ExportProcessor = z.infer<typeof ExportProcessorSchema>;
const ExportPurposeSchema = z.object({ id: uuid, slug: z.string(), name: z.string(), retentionDays: z.number().int().nullable(), retentionCriteria: z.string().nullable(), isAutomatedDecision: z.boolean() });
export type ExportPurpose = z.infer<typeof ExportPurposeSchema>;
export type ActivityRow = z.infer<typeof ActivityRowSchema>;

const REQUEST_RESULT_SCHEMAS = {
  FindRightsController: z.object({
    dataControllers: z.array(
      z.object({ id: uuid, title: z.string(), settings: jsonObject, details: z.object({ timezone: z.string(), defaultRegime: z.string() }).nullable() }),
    ),
  }),
  CreateRightsRequest: z.object({
    insertDataSubjectRightsRequest: z.object({ id: uuid, receivedAt: timestamp, dueAt: timestamp.nullable(), status: z.string() }).nullable(),
  }),
  FindRightsRequest: z.object({ dataSubjectRightsRequest: RightsRequestRecordSchema.nullable() }),
  AdvanceRightsRequest: z.object({
    updateDataSubjectRightsRequests: affected.nullable(),
    insertDataSubjectRightsRequestEvents: affected.nullable(),
    insertEmailOutbox: affected.nullable(),
  }),
  FindSubjectByEmailHash: z.object({
    privacyPreservingLinks: z.array(z.object({ dataSubject: z.object({ id: uuid, mergedInto: uuid.nullable() }) })),
  }),
  FindSubjectsForRights: z.object({
    dataSubjects: z.array(
      z.object({
        id: uuid,
        did: z.string().nullable(),
        status: z.string(),
        mergedInto: uuid.nullable(),
        firstSeenAt: timestamp,
        lastSeenAt: timestamp,
        createdAt: timestamp,
        privacyPreservingLinks: z.array(
          z.object({
            identifierType: z.string(),
            identifierHash: z.string(),
            keyVersion: z.number().int(),
            firstSeenAt: timestamp,
            lastSeenAt: timestamp,
            sourceProcessor: z.object({ service: z.string(), name: z.string() }).nullable(),
          }),
        ),
      }),
    ),
  }),
  PageSubjectActivities: z.object({ dataProcessingActivities: z.array(ActivityRowSchema) }),
  FindExportLookups: z.object({ dataProcessors: z.array(ExportProcessorSchema), purposes: z.array(ExportPurposeSchema) }),
  FindSubjectConsent: z.object({
    dataSubjectConsentFormValues: z.array(
      z.object({
        id: uuid,
        formVersion: z.number().int(),
        locale: z.string(),
        choices: z.unknown(),
        mechanism: z.string(),
        collectedAt: timestamp,
        sourceUrl: z.string().nullable(),
        jurisdiction: z.string().nullable(),
        regime: z.string(),
        gpcSignal: z.boolean(),
        form: z.object({ slug: z.string(), name: z.string() }).nullable(),
      }),
    ),
    dataSubjectPreferenceValues: z.array(
      z.object({ granted: z.boolean(), updatedAt: timestamp, purpose: z.object({ slug: z.string(), name: z.string(), legalBasis: z.string() }).nullable() }),
    ),
  }),
} as const;

const ProcessorConfigRefSchema = z.object({ id: uuid, service: z.string(), name: z.string(), config: jsonObject, credentialsRef: z.string().nullable() });

export const ERASURE_RESULT_SCHEMAS = {
  FindErasureProcessors: z.object({ dataProcessors: z.array(ProcessorConfigRefSchema) }),
  EraseRightsSubjects: z.object({
    insertErasureSuppressions: affected.nullable(),
    deleteDataSubjects: affected.nullable(),
    insertIntegrationSyncJobs: affected.nullable(),
    updateDataSubjectRightsRequests: affected.nullable(),
    insertDataSubjectRightsRequestEvents: affected.nullable(),
  }),
  FindDueSyncJobs: z.object({
    integrationSyncJobs: z.array(z.object({ id: uuid, controllerId: uuid, rightsRequestId: uuid.nullable(), attempts: z.number().int(), rightsRequest: z.object({ requesterEmailEncrypted: z.string().nullable() }).nullable(), dataProcessor: ProcessorConfigRefSchema })),
  }),
  RecordSyncJobResult: z.object({ updateIntegrationSyncJobs: affected.nullable(), insertDataSubjectRightsRequestEvents: affected.nullable() }),
  FindDsarDeadlines: z.object({
    dataSubjectRightsRequests: z.array(
      z.object({
        id: uuid,
        controllerId: uuid,
        requestType: z.string(),
        regime: z.string(),
        status: z.string(),
        receivedAt: timestamp,
        dueAt: timestamp.nullable(),
        extended: z.boolean(),
        extendedDueAt: timestamp.nullable(),
        controller: z.object({
          title: z.string(),
          details: z.object({ legalName: z.string().nullable(), timezone: z.string(), dpoEmail: z.string().nullable() }).nullable(),
          members: z.array(z.object({ user: z.object({ email: z.string() }) })),
        }),
      }),
    ),
  }),
  FindErasureProgress: z.object({
    dataSubjectRightsRequest: z.object({ id: uuid, status: z.string(), integrationSyncJobs: z.array(z.object({ status: z.string() })) }).nullable(),
  }),
} as const;

/** Every rights operation's result schema, by operation name. */
export const RIGHTS_RESULT_SCHEMAS = { ...REQUEST_RESULT_SCHEMAS, ...ERASURE_RESULT_SCHEMAS } as const;
