/**
 * The onboarding assessment (transparency profile, version per profile): the
 * organization's answers (its profile, purposes and integrations) checked
 * against what the law asks of every controller, as JSON for the web app.
 * Each check cites its rule; `action_needed` items are the to-do list.
 */
import type { DocumentModel } from "../model";

export interface AssessmentCheck {
  id: string;
  status: "ok" | "action_needed";
  rule: string;
  message: string;
}

const EU_REGIMES = new Set(["gdpr_eu", "uk_gdpr"]);

export function buildAssessment(m: DocumentModel): { regime: string; profileVersion: number; checks: AssessmentCheck[]; summary: { ok: number; actionNeeded: number } } {
  const checks: AssessmentCheck[] = [];
  const check = (id: string, ok: boolean, rule: string, okMessage: string, todo: string) => checks.push({ id, status: ok ? "ok" : "action_needed", rule, message: ok ? okMessage : todo });
  check("controller_identity", m.name.trim() !== "" && m.address !== null, "GDPR Art. 13(1)(a)", "Legal name and address are set.", "Add the organization's legal name and postal address: the notice must identify the controller.");
  check("contact", m.contactEmail !== null, "GDPR Art. 13(1)(a); Art. 12(2)", "A privacy contact address is set.", "Add a contact e-mail address where people can exercise their rights.");
  if (EU_REGIMES.has(m.regime)) {
    check("dpo", m.dpo !== null, "GDPR Art. 37-39", "A data protection officer is named.", "Name a data protection officer if your core activities involve regular, large-scale monitoring or special-category data (Art. 37(1)); otherwise record why none is needed.");
    check("supervisory_authority", m.supervisoryAuthority !== null, "GDPR Art. 13(2)(d), 77", "The supervisory authority is named.", "Name your lead supervisory authority: the notice must tell people where to complain.");
    const transfers = m.recipients.filter((r) => r.transfer);
    check("transfers", transfers.length === 0, "GDPR Chapter V (Art. 44-46)", "No integration is outside the home area.", `Document the transfer safeguards (adequacy or standard contractual clauses) for: ${transfers.map((r) => r.name).join(", ")}.`);
  }
  check("purposes", m.purposes.length > 0, "GDPR Art. 5(1)(b), 30(1)(b)", "Purposes of processing are declared.", "Declare at least one purpose of processing.");
  const noRetention = m.purposes.filter((p) => p.retention === "not yet set");
  check("retention", noRetention.length === 0, "GDPR Art. 5(1)(e), 13(2)(a)", "Every purpose has a retention period or criteria.", `Set a retention period for: ${noRetention.map((p) => p.name).join(", ")}.`);
  const consentPurposes = m.purposes.filter((p) => p.legalBasis === "consent");
  const collected = new Set(m.cookieCategories.map((c) => c.purpose));
  const uncollected = consentPurposes.filter((p) => !collected.has(p.slug));
  check("consent_collection", uncollected.length === 0, "GDPR Art. 7(1); ePrivacy Art. 5(3)", "Every consent-based purpose is offered on a published consent form.", `Publish a consent form that asks for: ${uncollected.map((p) => p.name).join(", ")}.`);
  const li = m.purposes.filter((p) => p.legalBasis === "legitimate_interests" && !p.legitimateInterest);
  check("legitimate_interests", li.length === 0, "GDPR Art. 13(1)(d)", "Every legitimate-interest purpose states the interest.", `State the legitimate interest pursued for: ${li.map((p) => p.name).join(", ")}.`);
  if (m.regime === "ccpa" || m.purposes.some((p) => p.isSaleOrSharing)) {
    check("gpc", m.honorsGpc, "11 CCR §7025; Cal. Civ. Code §1798.135", "Global Privacy Control signals are honoured.", "Honour Global Privacy Control on your consent forms: it is a valid opt-out of sale and sharing.");
  }
  const actionNeeded = checks.filter((c) => c.status === "action_needed").length;
  return { regime: m.regime, profileVersion: m.profileVersion, checks, summary: { ok: checks.length - actionNeeded, actionNeeded } };
}
