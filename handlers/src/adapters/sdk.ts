/**
 * The typed operations handlers run, one per document in
 * graphql/operations/handlers/ (same names). Until graphql/schema.graphql
 * exists for codegen, each result is typed by the zod schema below and parsed
 * at this boundary; domain functions take only the slice they use, e.g.
 * `Pick<HandlersSdk, "FindLinksByIdentifiers">`, exactly as they would take
 * the generated SDK's `getSdk(client)` slice.
 */
import { z } from "zod";
import { CONSOLIDATION_RESULT_SCHEMAS } from "../consolidation/operations";
import { DNS_RESULT_SCHEMAS } from "../dns/operations";
import { SCHEDULING_RESULT_SCHEMAS } from "../scheduling/operations";
import { USAGE_RESULT_SCHEMAS } from "../usage/operations";
import { RIGHTS_RESULT_SCHEMAS } from "../rights/operations";
import { CONSENT_RESULT_SCHEMAS } from "../consent/operations";
import { INTEGRATION_RESULT_SCHEMAS } from "../integrations/operations";
import { DOCUMENT_RESULT_SCHEMAS } from "../documents/operations";
import { INTAKE_RESULT_SCHEMAS } from "../intake/operations";
import type { OperationVariables as GeneratedVariables } from "../../../graphql/generated/sdk";
import type { RunOperation } from "./graphql";

const uuid = z.string().uuid();
const timestamp = z.string().min(1);
const affected = z.object({ affected_rows: z.number().int() });
const jsonObject = z.record(z.string(), z.unknown());

/** Result schemas by operation name. */
export const RESULT_SCHEMAS = {
  FindActivityForCompliance: z.object({
    dataProcessingActivity: z
      .object({
        id: uuid,
        complianceStatus: z.string(),
        legalBasis: z.string(),
        purpose: z.string().nullable(),
        purposeId: uuid.nullable(),
        piiFieldTypes: z.array(z.string()),
        dataProcessor: z.object({ id: uuid, config: jsonObject }).nullable(),
        purposeDetails: z
          .object({ slug: z.string(), legalBasis: z.string(), status: z.string(), retentionDays: z.number().int().nullable(), retentionCriteria: z.string().nullable() })
          .nullable(),
        dataSubject: z.object({ preferenceValues: z.array(z.object({ purposeId: uuid, granted: z.boolean(), sourceFormValueId: uuid.nullable() })) }).nullable(),
      })
      .nullable(),
  }),
  SetActivityCompliance: z.object({ updateDataProcessingActivities: affected.nullable() }),
  FindSubjectContext: z.object({
    dataSubject: z
      .object({ id: uuid, did: z.string().nullable(), status: z.string(), privacyPreservingLinks: z.array(z.object({ identifierType: z.string(), identifierHash: z.string() })) })
      .nullable(),
    dataController: z
      .object({
        id: uuid,
        settings: jsonObject,
        consentForms: z.array(z.object({ id: uuid, regime: z.string(), categories: z.array(z.object({ purposeId: uuid.nullable(), isRequired: z.boolean() })) })),
        scheduledEvents: z.array(z.object({ id: uuid })),
        unattributedActivities: z.array(z.object({ id: uuid })),
      })
      .nullable(),
  }),
  InitializeDataSubject: z.object({
    updateDataSubjects: affected.nullable().optional(),
    insertDataSubjectPreferenceValues: affected.nullable().optional(),
    insertScheduledEvents: affected.nullable().optional(),
    updateDataProcessingActivities: affected.nullable(),
  }),
  InsertEmailOutbox: z.object({ insertEmailOutbox: affected.nullable() }),
  FindDueEmails: z.object({
    emailOutbox: z.array(
      z.object({
        id: uuid,
        controllerId: uuid.nullable(),
        recipientEncrypted: z.string(),
        template: z.string(),
        locale: z.string(),
        variablesEncrypted: z.string().nullable(),
        status: z.string(),
        attempts: z.number().int(),
      }),
    ),
  }),
  ClaimEmail: z.object({ updateEmailOutbox: affected.nullable() }),
  MarkEmailSent: z.object({ updateEmailOutboxMessage: z.object({ id: uuid }).nullable() }),
  MarkEmailFailed: z.object({ updateEmailOutboxMessage: z.object({ id: uuid }).nullable() }),
  FindUser: z.object({
    user: z.object({ id: uuid, email: z.string(), displayName: z.string().nullable(), locale: z.string(), emailVerified: z.boolean(), createdAt: timestamp }).nullable(),
  }),
  FindPendingInvitations: z.object({ teamInvitations: z.array(z.object({ id: uuid, controllerId: uuid, role: z.string() })) }),
  OnboardUser: z.object({
    updateUsers: affected.nullable(),
    insertDataControllerUsers: affected.nullable().optional(),
    updateTeamInvitations: affected.nullable().optional(),
    insertEmailOutbox: affected.nullable().optional(),
  }),
  FindInvitationContext: z.object({
    teamInvitation: z
      .object({
        id: uuid,
        controllerId: uuid,
        email: z.string(),
        role: z.string(),
        status: z.string(),
        tokenHash: z.string().nullable(),
        expiresAt: timestamp,
        controller: z.object({ title: z.string() }),
        invitedBy: z.object({ displayName: z.string().nullable() }).nullable(),
      })
      .nullable(),
    users: z.array(z.object({ id: uuid })),
  }),
  IssueInvitation: z.object({
    updateTeamInvitations: affected.nullable(),
    insertEmailOutboxMessage: z.object({ id: uuid }).nullable(),
    insertDataControllerUsers: affected.nullable().optional(),
  }),
  FindMembership: z.object({
    dataControllerUser: z
      .object({
        id: uuid,
        role: z.string(),
        status: z.string(),
        user: z.object({ id: uuid, email: z.string(), displayName: z.string().nullable(), locale: z.string() }),
        controller: z.object({ id: uuid, title: z.string() }),
      })
      .nullable(),
  }),
  FindDomainVerification: z.object({ domainVerification: z.object({ id: uuid, controllerId: uuid, domain: z.string(), status: z.string() }).nullable() }),
  SyncCorsOrigins: z.object({ deleteCorsAllowedOrigins: affected.nullable(), insertCorsAllowedOrigins: affected.nullable().optional() }),
  FindControllerSetup: z.object({
    dataController: z
      .object({
        id: uuid,
        title: z.string(),
        purposes: z.array(z.object({ id: uuid, slug: z.string() })),
        consentForms: z.array(z.object({ id: uuid, categories: z.array(z.object({ slug: z.string() })) })),
        retentionPolicies: z.array(z.object({ purposeId: uuid.nullable() })),
      })
      .nullable(),
    user: z.object({ id: uuid, email: z.string(), displayName: z.string().nullable(), locale: z.string() }).nullable(),
  }),
  SetUpControllerDefaults: z.object({
    insertDataControllerDetail: z.object({ id: uuid }).nullable(),
    insertPurposes: affected.nullable().optional(),
    insertConsentForm: z.object({ id: uuid }).nullable(),
    insertConsentCategories: affected.nullable().optional(),
    insertRetentionPolicies: affected.nullable().optional(),
    insertTagManagerAccount: z.object({ id: uuid }).nullable(),
    insertDataControllerUsers: affected.nullable().optional(),
    insertEmailOutbox: affected.nullable().optional(),
  }),
  FindProfileRegeneration: z.object({ scheduledEvents: z.array(z.object({ reference: z.string().nullable() })) }),
  QueueProfileRegeneration: z.object({ updateDataControllerDetails: affected.nullable(), insertScheduledEvents: affected.nullable().optional() }),
  ...SCHEDULING_RESULT_SCHEMAS,
  ...CONSOLIDATION_RESULT_SCHEMAS,
  ...USAGE_RESULT_SCHEMAS,
  ...DNS_RESULT_SCHEMAS,
  ...RIGHTS_RESULT_SCHEMAS,
  ...CONSENT_RESULT_SCHEMAS,
  ...INTEGRATION_RESULT_SCHEMAS,
  ...DOCUMENT_RESULT_SCHEMAS,
  ...INTAKE_RESULT_SCHEMAS,
} as const;

type ResultSchemas = typeof RESULT_SCHEMAS;
export type OperationName = keyof ResultSchemas;
export type OperationResult<N extends OperationName> = z.infer<ResultSchemas[N]>;

/** One function per operation: variables in, parsed data out. */
/**
 * Each operation's variables are the type codegen derives from its document
 * and graphql/schema.graphql (graphql/generated/sdk.ts), so a wrong or
 * missing variable is a compile error; the result is what the zod schema
 * above accepts at run time.
 */
export type HandlersSdk = {
  [N in OperationName]: (variables: GeneratedVariables[N]) => Promise<OperationResult<N>>;
};

/**
 * Builds the SDK over `run`. A response that does not match its schema throws
 * (a 500, so Hasura retries; it means the API and these documents disagree).
 */
export function createHandlersSdk(run: RunOperation): HandlersSdk {
  const sdk: Partial<Record<OperationName, (variables: object) => Promise<unknown>>> = {};
  for (const name of Object.keys(RESULT_SCHEMAS) as OperationName[]) {
    const schema: z.ZodType = RESULT_SCHEMAS[name];
    sdk[name] = async (variables) => {
      const parsed = schema.safeParse(await run(name, variables as Record<string, unknown>));
      if (!parsed.success) throw new Error(`[handlers/sdk] ${name} answered an unexpected shape`);
      return parsed.data;
    };
  }
  return sdk as HandlersSdk;
}
