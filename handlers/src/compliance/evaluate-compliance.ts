/**
 * evaluateCompliance: the compliance status of one processing activity, pure.
 * The per-event log is evidence for the record of processing (privacy-domain.md
 * 9), so each activity is checked against what the controller declared:
 *
 * - purpose limitation (GDPR Art. 5(1)(b)): the activity's purpose must be an
 *   active purpose the controller declared; otherwise non_compliant;
 * - lawful basis (Art. 6(1), 13(1)(c)): the basis recorded must be the one the
 *   purpose declares; a mismatch needs review;
 * - consent (Art. 7(1), 7(3); privacy-domain.md 8): with consent as the basis,
 *   a recorded denial or withdrawal is non_compliant, and no recorded grant
 *   (no choice yet, or only the default) needs review, since the controller
 *   must be able to demonstrate consent;
 * - data minimisation and the record's data categories (Art. 5(1)(c), 30(1)(c)):
 *   field types outside those declared for the integration need review;
 * - storage limitation (Art. 5(1)(e), 13(2)(a)): a purpose without a retention
 *   period or criteria needs review.
 *
 * The status is the worst finding; `notes` lists every finding (no personal data).
 */
export type ComplianceStatus = "compliant" | "needs_review" | "non_compliant";

export interface ActivityFacts {
  legalBasis: string;
  /** Purpose slug recorded on the activity (from the integration's configuration). */
  purpose: string | null;
  piiFieldTypes: readonly string[];
}

export interface PurposeFacts {
  slug: string;
  legalBasis: string;
  status: string;
  retentionDays: number | null;
  retentionCriteria: string | null;
}

export interface ConsentFacts {
  granted: boolean;
  /** Set when a consent record (the subject's own choice) set the value; null for defaults. */
  sourceFormValueId: string | null;
}

export interface ComplianceInput {
  activity: ActivityFacts;
  /** The declared purpose the activity points at, if any. */
  purpose: PurposeFacts | null;
  /** PII types the controller declared for the integration, when it did. */
  declaredFieldTypes: readonly string[] | null;
  /** The subject's consent state for the purpose, when known. */
  consent: ConsentFacts | null;
}

export interface ComplianceResult {
  status: ComplianceStatus;
  notes: string;
}

const RANK: Record<ComplianceStatus, number> = { compliant: 0, needs_review: 1, non_compliant: 2 };

export function evaluateCompliance(input: ComplianceInput): ComplianceResult {
  const findings: { status: ComplianceStatus; note: string }[] = [];
  const add = (status: ComplianceStatus, note: string): void => {
    findings.push({ status, note });
  };
  const { activity, purpose } = input;

  if (!activity.purpose) add("non_compliant", "no purpose configured for the integration (Art. 5(1)(b))");
  else if (!purpose) add("non_compliant", `purpose "${activity.purpose}" is not declared by the controller (Art. 5(1)(b))`);
  else if (purpose.status !== "active") add("non_compliant", `purpose "${purpose.slug}" is ${purpose.status} (Art. 5(1)(b))`);

  if (purpose && purpose.legalBasis !== activity.legalBasis) {
    add("needs_review", `legal basis ${activity.legalBasis} differs from ${purpose.legalBasis} declared for purpose "${purpose.slug}" (Art. 6(1), 13(1)(c))`);
  }

  if (activity.legalBasis === "consent") {
    if (input.consent && !input.consent.granted && input.consent.sourceFormValueId) add("non_compliant", "consent for the purpose was denied or withdrawn (Art. 7(3))");
    else if (!input.consent || !input.consent.granted) add("needs_review", "no recorded consent for the purpose (Art. 7(1))");
  }

  if (input.declaredFieldTypes) {
    const declared = new Set(input.declaredFieldTypes);
    const extra = [...new Set(activity.piiFieldTypes)].filter((t) => !declared.has(t)).sort();
    if (extra.length > 0) add("needs_review", `field types not declared for the integration: ${extra.join(", ")} (Art. 5(1)(c), 30(1)(c))`);
  }

  if (purpose && purpose.retentionDays === null && !purpose.retentionCriteria) {
    add("needs_review", `purpose "${purpose.slug}" has no retention period or criteria (Art. 5(1)(e), 13(2)(a))`);
  }

  if (findings.length === 0) {
    return { status: "compliant", notes: `legal basis ${activity.legalBasis} matches declared purpose "${activity.purpose ?? ""}"` };
  }
  const status = findings.reduce<ComplianceStatus>((worst, f) => (RANK[f.status] > RANK[worst] ? f.status : worst), "compliant");
  return { status, notes: findings.map((f) => f.note).join("; ") };
}
