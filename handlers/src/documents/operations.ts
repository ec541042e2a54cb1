/**
 * Result schemas of the document-generation operations
 * (graphql/operations/handlers/, same names), merged into the handlers SDK.
 */
import { z } from "zod";

const uuid = z.string().uuid();
const jsonObject = z.record(z.string(), z.unknown());

export const DetailsSchema = z.object({
  legalName: z.string().nullable(),
  description: z.string().nullable(),
  websiteUrl: z.string().nullable(),
  contactEmail: z.string().nullable(),
  dpoName: z.string().nullable(),
  dpoEmail: z.string().nullable(),
  addressLine1: z.string().nullable(),
  addressLine2: z.string().nullable(),
  city: z.string().nullable(),
  postalCode: z.string().nullable(),
  region: z.string().nullable(),
  countryCode: z.string().nullable(),
  defaultRegime: z.enum(["gdpr_eu", "uk_gdpr", "ccpa"]),
  supervisoryAuthority: z.string().nullable(),
  profileVersion: z.number().int(),
});

export const PurposeSourceSchema = z.object({
  slug: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  legalBasis: z.string(),
  legitimateInterest: z.string().nullable(),
  retentionDays: z.number().int().nullable(),
  retentionCriteria: z.string().nullable(),
  isEssential: z.boolean(),
  isAutomatedDecision: z.boolean(),
  isSaleOrSharing: z.boolean(),
  version: z.number().int(),
});

export const SourcesSchema = z.object({
  id: uuid,
  title: z.string(),
  did: z.string(),
  details: DetailsSchema.nullable(),
  purposes: z.array(PurposeSourceSchema),
  dataProcessors: z.array(z.object({ id: uuid, service: z.string(), name: z.string(), countryCode: z.string().nullable(), config: jsonObject })),
  retentionPolicies: z.array(
    z.object({ purpose: z.object({ slug: z.string() }).nullable(), dataCategory: z.string().nullable(), retentionDays: z.number().int(), action: z.string(), legalHold: z.boolean() }),
  ),
  consentForms: z.array(
    z.object({
      slug: z.string(),
      name: z.string(),
      regime: z.string(),
      honorGpc: z.boolean(),
      categories: z.array(z.object({ slug: z.string(), title: z.string(), description: z.string().nullable(), isRequired: z.boolean(), purpose: z.object({ slug: z.string() }).nullable() })),
    }),
  ),
  tagManagerAccounts: z.array(z.object({ provider: z.string(), containerId: z.string(), consentModeEnabled: z.boolean(), tagPurposes: z.record(z.string(), z.array(z.string())) })),
  generatedDocuments: z.array(z.object({ documentType: z.string(), locale: z.string(), version: z.number().int(), source: jsonObject })),
});
export type DocumentSources = z.infer<typeof SourcesSchema>;

export const DOCUMENT_RESULT_SCHEMAS = {
  FindDocumentSources: z.object({ dataController: SourcesSchema.nullable() }),
  InsertGeneratedDocument: z.object({
    insertGeneratedDocuments: z.object({ affected_rows: z.number().int(), returning: z.array(z.object({ id: uuid, version: z.number().int() })) }).nullable(),
  }),
  FindProcessorForPurposes: z.object({
    dataProcessor: z
      .object({ id: uuid, controllerId: uuid, service: z.string(), status: z.string(), config: jsonObject, controller: z.object({ purposes: z.array(z.object({ slug: z.string() })) }) })
      .nullable(),
  }),
  FindControllerProcessorsForPurposes: z.object({
    dataController: z
      .object({
        id: uuid,
        purposes: z.array(z.object({ slug: z.string() })),
        dataProcessors: z.array(z.object({ id: uuid, service: z.string(), status: z.string(), config: jsonObject })),
      })
      .nullable(),
  }),
  InsertDerivedPurposes: z.object({ insertPurposes: z.object({ affected_rows: z.number().int() }).nullable() }),
} as const;
