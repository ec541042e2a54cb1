/**
 * Result schemas of the consent operations (graphql/operations/handlers/,
 * same names), merged into the handlers SDK (adapters/sdk.ts) so domain
 * functions take `Pick<HandlersSdk, ...>` like every other handler.
 */
import { z } from "zod";

const uuid = z.string().uuid();
const timestamp = z.string().min(1);
const affected = z.object({ affected_rows: z.number().int() });

export const ConsentCategorySchema = z.object({
  slug: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  isRequired: z.boolean(),
  purpose: z.object({ id: uuid, slug: z.string(), version: z.number().int(), status: z.string(), isSaleOrSharing: z.boolean() }).nullable(),
});
export type ConsentCategory = z.infer<typeof ConsentCategorySchema>;

export const ConsentFormSchema = z.object({
  id: uuid,
  version: z.number().int(),
  regime: z.enum(["opt_in", "opt_out"]),
  honorGpc: z.boolean(),
  noticeText: z.string().nullable(),
  locale: z.string(),
  categories: z.array(ConsentCategorySchema),
});
export type ConsentForm = z.infer<typeof ConsentFormSchema>;

/** `{ "<category slug>": "granted" | "denied" }`, as stored in `choices`. */
export const StoredChoicesSchema = z.record(z.string(), z.enum(["granted", "denied"]));

export const CONSENT_RESULT_SCHEMAS = {
  FindConsentForm: z.object({
    dataControllers: z.array(z.object({ id: uuid, consentForms: z.array(ConsentFormSchema) })),
  }),
  FindConsentState: z.object({
    onForm: z.array(z.object({ id: uuid, choices: StoredChoicesSchema, collectedAt: timestamp, expiresAt: timestamp.nullable(), gpcSignal: z.boolean() })),
    chain: z.array(z.object({ recordHash: z.string().nullable() })),
    dataSubject: z
      .object({ id: uuid, controllerId: uuid, status: z.string(), mergedInto: uuid.nullable(), preferenceValues: z.array(z.object({ purposeId: uuid, granted: z.boolean() })) })
      .nullable()
      .optional(),
  }),
  RecordConsentDecision: z.object({
    insertDataSubjectConsentFormValue: z.object({ id: uuid, collectedAt: timestamp }).nullable(),
    insertDataSubjectPreferenceValues: affected.nullable().optional(),
  }),
} as const;
