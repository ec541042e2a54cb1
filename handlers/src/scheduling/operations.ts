/**
 * Result schemas of the operations the scheduling code runs (documents in
 * graphql/operations/handlers/, same names), spread into the handlers SDK's
 * RESULT_SCHEMAS (adapters/sdk.ts).
 */
import { z } from "zod";

const uuid = z.string().uuid();
const timestamp = z.string().min(1);
const affected = z.object({ affected_rows: z.number().int() });
const jsonObject = z.record(z.string(), z.unknown());

export const SCHEDULING_RESULT_SCHEMAS = {
  FindDueScheduledEvents: z.object({
    scheduledEvents: z.array(
      z.object({
        id: uuid,
        controllerId: uuid,
        ownerId: uuid,
        ownerType: z.string(),
        title: z.string(),
        message: z.string().nullable(),
        frequencyType: z.string(),
        frequencyRate: z.number().int(),
        nextEventAt: timestamp,
        reference: z.string().nullable(),
        payload: jsonObject,
      }),
    ),
  }),
  AdvanceScheduledEvent: z.object({ updateScheduledEvents: affected.nullable() }),
  FindScheduledEvent: z.object({
    scheduledEvent: z
      .object({
        id: uuid,
        controllerId: uuid,
        ownerId: uuid,
        ownerType: z.string(),
        isActive: z.boolean(),
        frequencyType: z.string(),
        frequencyRate: z.number().int(),
        nextEventAt: timestamp.nullable(),
        reference: z.string().nullable(),
        payload: jsonObject,
        createdAt: timestamp,
      })
      .nullable(),
  }),
  ActivateScheduledEvent: z.object({ updateScheduledEvents: affected.nullable() }),
  FindRightsRequestDeadline: z.object({
    dataSubjectRightsRequest: z
      .object({
        id: uuid,
        controllerId: uuid,
        requestType: z.string(),
        regime: z.string(),
        status: z.string(),
        dueAt: timestamp.nullable(),
        targetDueAt: timestamp.nullable(),
        extendedDueAt: timestamp.nullable(),
        completedAt: timestamp.nullable(),
      })
      .nullable(),
  }),
  FindControllerAdmins: z.object({
    dataController: z.object({ id: uuid, title: z.string(), plan: z.string(), trialExpiresAt: timestamp.nullable() }).nullable(),
    dataControllerUsers: z.array(z.object({ user: z.object({ id: uuid, email: z.string(), displayName: z.string().nullable(), locale: z.string() }) })),
  }),
  FindRetentionPolicies: z.object({
    retentionPolicies: z.array(
      z.object({
        id: uuid,
        purposeId: uuid.nullable(),
        dataCategory: z.string().nullable(),
        retentionDays: z.number().int(),
        action: z.string(),
        legalHold: z.boolean(),
      }),
    ),
  }),
  ApplyRetentionPolicy: z.object({
    deleteDataProcessingActivities: affected.nullable().optional(),
    updateDataProcessingActivities: affected.nullable().optional(),
    deletePrivacyPreservingLinks: affected.nullable(),
    updateRetentionPolicy: z.object({ id: uuid }).nullable(),
  }),
  FindEmailsByKeyPrefix: z.object({
    emailOutbox: z.array(z.object({ idempotencyKey: z.string(), status: z.string(), createdAt: timestamp, sentAt: timestamp.nullable() })),
  }),
} as const;
