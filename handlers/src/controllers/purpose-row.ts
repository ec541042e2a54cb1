/**
 * The one mapping from a purpose definition (controllers/defaults.ts for a
 * new organization, documents/service-catalog.ts for what an integration
 * implies) to a `purposes_insert_input` row. A derived purpose is never
 * essential: only the organization's own core purposes are (defaults.ts), so
 * a definition without `isEssential` is stored as `false`, not left to the
 * column default.
 */
import type { DefaultPurpose } from "./defaults";

export type PurposeDefinition = Omit<DefaultPurpose, "isEssential"> & { isEssential?: boolean };

export interface PurposeInsertRow {
  id?: string;
  controllerId: string;
  slug: string;
  name: string;
  description: string;
  legalBasis: string;
  legitimateInterest: string | null;
  retentionDays: number | null;
  retentionCriteria: string | null;
  isEssential: boolean;
}

/** The insert row of `purpose` for `controllerId`; `id` when the caller needs it for rows that reference the purpose. */
export function purposeInsertRow(controllerId: string, purpose: PurposeDefinition, id?: string): PurposeInsertRow {
  return {
    ...(id === undefined ? {} : { id }),
    controllerId,
    slug: purpose.slug,
    name: purpose.name,
    description: purpose.description,
    legalBasis: purpose.legalBasis,
    legitimateInterest: purpose.legitimateInterest ?? null,
    retentionDays: purpose.retentionDays,
    retentionCriteria: purpose.retentionCriteria ?? null,
    isEssential: purpose.isEssential ?? false,
  };
}
