/**
 * GDPR Art. 6(1) lawful bases, as the schema's check constraints list them
 * (purposes.legal_basis, data_processing_activities.legal_basis).
 */
import { z } from "zod";

export const LEGAL_BASES = ["consent", "contract", "legal_obligation", "vital_interests", "public_task", "legitimate_interests"] as const;
export const LegalBasisSchema = z.enum(LEGAL_BASES);
export type LegalBasis = z.infer<typeof LegalBasisSchema>;

/**
 * What handlers read from data_processors.config: the integration's legal
 * basis and purpose (slug of a controller purpose) and, optionally, the PII
 * types the controller declared for it. Other keys belong to conduit.
 */
export const ProcessorPolicySchema = z.looseObject({
  legalBasis: LegalBasisSchema.optional(),
  purpose: z.string().min(1).optional(),
  /** Declared PII types for this integration; absent = not declared (review). */
  fieldTypes: z.array(z.string().min(1)).optional(),
});
export type ProcessorPolicy = z.infer<typeof ProcessorPolicySchema>;

/** The policy in `config`, or an empty one when it does not parse (compliance then flags it). */
export function readProcessorPolicy(config: unknown): ProcessorPolicy {
  const parsed = ProcessorPolicySchema.safeParse(config ?? {});
  return parsed.success ? parsed.data : {};
}
