/**
 * The document model: the sources (documents/operations.ts) turned into the
 * plain, sorted facts every template fills in, so the same configuration
 * always gives the same text (deterministic output is what lets a
 * regeneration with no change store nothing new). Only organization-level
 * data: no data subject's personal data ever reaches a document.
 */
import type { DocumentSources } from "./operations";
import { serviceProfile } from "./service-catalog";

/** EEA (EU + Iceland, Liechtenstein, Norway): no transfer safeguards needed inside it (GDPR Chapter V). */
const EEA = new Set(["AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO"]);

export const LEGAL_BASIS_TEXT: Readonly<Record<string, string>> = {
  consent: "your consent (GDPR Art. 6(1)(a))",
  contract: "performance of a contract with you (Art. 6(1)(b))",
  legal_obligation: "a legal obligation (Art. 6(1)(c))",
  vital_interests: "vital interests (Art. 6(1)(d))",
  public_task: "a task in the public interest (Art. 6(1)(e))",
  legitimate_interests: "our legitimate interests (Art. 6(1)(f))",
};

export interface Recipient {
  name: string;
  service: string;
  country: string | null;
  transfer: boolean;
  dataCategories: string[];
}

export interface PurposeFacts {
  slug: string;
  name: string;
  description: string | null;
  legalBasis: string;
  legitimateInterest: string | null;
  retention: string;
  isEssential: boolean;
  isAutomatedDecision: boolean;
  isSaleOrSharing: boolean;
  version: number;
  recipients: string[];
}

export interface DocumentModel {
  controllerId: string;
  name: string;
  regime: "gdpr_eu" | "uk_gdpr" | "ccpa";
  description: string | null;
  website: string | null;
  contactEmail: string | null;
  address: string | null;
  country: string | null;
  dpo: { name: string | null; email: string | null } | null;
  supervisoryAuthority: string | null;
  profileVersion: number;
  purposes: PurposeFacts[];
  recipients: Recipient[];
  cookieCategories: { form: string; slug: string; title: string; description: string | null; required: boolean; purpose: string | null }[];
  tagContainers: { provider: string; containerId: string; consentMode: boolean; tags: { id: string; purposes: string[] }[] }[];
  honorsGpc: boolean;
}

function retentionText(days: number | null, criteria: string | null): string {
  if (days !== null) return days % 365 === 0 ? `${days / 365} year${days === 365 ? "" : "s"}` : `${days} days`;
  return criteria ?? "not yet set";
}

function transferFor(regime: DocumentModel["regime"], country: string | null): boolean {
  if (!country || regime === "ccpa") return false;
  const home = regime === "uk_gdpr" ? new Set(["GB"]) : EEA;
  return !home.has(country.toUpperCase());
}

export function buildDocumentModel(sources: DocumentSources): DocumentModel {
  const d = sources.details;
  const regime = d?.defaultRegime ?? "gdpr_eu";
  const recipients: Recipient[] = sources.dataProcessors.map((p) => {
    const profile = serviceProfile(p.service);
    return {
      name: p.service === "custom" ? p.name : profile.displayName,
      service: p.service,
      country: p.countryCode,
      transfer: transferFor(regime, p.countryCode),
      dataCategories: [...profile.dataCategories],
    };
  });
  const recipientsByPurpose = new Map<string, string[]>();
  sources.dataProcessors.forEach((p, i) => {
    const declared = typeof p.config["purpose"] === "string" ? [p.config["purpose"]] : [];
    const implied = serviceProfile(p.service).purposes.map((x) => x.slug);
    for (const slug of new Set([...declared, ...implied])) recipientsByPurpose.set(slug, [...(recipientsByPurpose.get(slug) ?? []), recipients[i].name]);
  });
  const policyDays = new Map<string, number>();
  for (const policy of sources.retentionPolicies) if (policy.purpose && !policyDays.has(policy.purpose.slug)) policyDays.set(policy.purpose.slug, policy.retentionDays);
  const address = d ? [d.addressLine1, d.addressLine2, [d.postalCode, d.city].filter(Boolean).join(" "), d.region, d.countryCode].filter((x) => x && x.trim() !== "").join(", ") : "";
  return {
    controllerId: sources.id,
    name: d?.legalName ?? sources.title,
    regime,
    description: d?.description ?? null,
    website: d?.websiteUrl ?? null,
    contactEmail: d?.contactEmail ?? null,
    address: address || null,
    country: d?.countryCode ?? null,
    dpo: d && (d.dpoName || d.dpoEmail) ? { name: d.dpoName, email: d.dpoEmail } : null,
    supervisoryAuthority: d?.supervisoryAuthority ?? null,
    profileVersion: d?.profileVersion ?? 0,
    purposes: sources.purposes.map((p) => ({
      slug: p.slug,
      name: p.name,
      description: p.description,
      legalBasis: p.legalBasis,
      legitimateInterest: p.legitimateInterest,
      retention: retentionText(p.retentionDays ?? policyDays.get(p.slug) ?? null, p.retentionCriteria),
      isEssential: p.isEssential,
      isAutomatedDecision: p.isAutomatedDecision,
      isSaleOrSharing: p.isSaleOrSharing,
      version: p.version,
      recipients: [...new Set(recipientsByPurpose.get(p.slug) ?? [])].sort(),
    })),
    recipients,
    cookieCategories: sources.consentForms.flatMap((f) =>
      f.categories.map((c) => ({ form: f.name, slug: c.slug, title: c.title, description: c.description, required: c.isRequired, purpose: c.purpose?.slug ?? null })),
    ),
    tagContainers: sources.tagManagerAccounts.map((t) => ({
      provider: t.provider,
      containerId: t.containerId,
      consentMode: t.consentModeEnabled,
      tags: Object.keys(t.tagPurposes)
        .sort()
        .map((id) => ({ id, purposes: [...(t.tagPurposes[id] ?? [])].sort() })),
    })),
    honorsGpc: sources.consentForms.some((f) => f.honorGpc),
  };
}
