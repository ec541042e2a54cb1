/**
 * Privacy notice: the content GDPR Art. 13(1)-(2) and 14(1)-(2) require
 * (identity and contact, DPO, purposes with lawful basis and legitimate
 * interests, recipients, transfers, retention, rights, withdrawal of consent,
 * complaint, automated decisions, categories and source of data) and, for a
 * CCPA controller, the notice at collection of Cal. Civ. Code §1798.100(a)
 * (categories, purposes, sale/sharing, retention per category).
 */
import { LEGAL_BASIS_TEXT, type DocumentModel } from "../model";
import { doc, esc, list, table } from "./markdown";

export function renderPrivacyPolicy(m: DocumentModel): string {
  const consentBased = m.purposes.some((p) => p.legalBasis === "consent");
  const automated = m.purposes.filter((p) => p.isAutomatedDecision);
  const sold = m.purposes.filter((p) => p.isSaleOrSharing);
  const transfers = m.recipients.filter((r) => r.transfer);
  const categories = [...new Set(m.recipients.flatMap((r) => r.dataCategories))].sort();
  return doc([
    `# Privacy notice of ${esc(m.name)}`,
    `This notice explains how ${esc(m.name)} uses personal data (GDPR Articles 13 and 14${m.regime === "ccpa" ? "; California Civil Code §1798.100" : ""}).`,
    `## Who we are\n\n${list([
      `Controller: ${esc(m.name)}`,
      `Address: ${esc(m.address)}`,
      `Contact: ${esc(m.contactEmail)}`,
      `Website: ${esc(m.website)}`,
      m.dpo ? `Data protection officer: ${esc(m.dpo.name)} (${esc(m.dpo.email)})` : "Data protection officer: none appointed",
    ])}`,
    `## Why we use your data and on what basis\n\n${table(
      ["Purpose", "Lawful basis", "Legitimate interest", "Kept for", "Shared with"],
      m.purposes.map((p) => [esc(p.name), LEGAL_BASIS_TEXT[p.legalBasis] ?? esc(p.legalBasis), esc(p.legitimateInterest), esc(p.retention), esc(p.recipients.join(", "))]),
    )}`,
    `## Categories of data and where they come from\n\nBesides what you give us directly, we receive data from the services we use to run the business:\n\n${table(
      ["Source", "Categories of data"],
      m.recipients.map((r) => [esc(r.name), esc(r.dataCategories.join(", "))]),
    )}\n\nCategories overall: ${esc(categories.join(", "))}.`,
    `## Recipients\n\n${list(m.recipients.map((r) => `${esc(r.name)}${r.country ? ` (${esc(r.country)})` : ""}`))}`,
    `## Transfers outside ${m.regime === "uk_gdpr" ? "the United Kingdom" : "the EEA"}\n\n${
      transfers.length === 0
        ? "We do not transfer personal data to third countries."
        : `${list(transfers.map((r) => `${esc(r.name)} in ${esc(r.country)}`))}\n\nThese transfers rely on an adequacy decision or on standard contractual clauses (GDPR Articles 45 and 46); ask us for a copy.`
    }`,
    `## Your rights\n\nYou may ask for access to your data, its rectification or erasure, restriction of processing, and a portable copy, and you may object to processing based on legitimate interests (GDPR Articles 15 to 21). ${
      consentBased ? "Where we rely on your consent you may withdraw it at any time, as easily as you gave it; this does not affect processing before the withdrawal (Article 7(3)). " : ""
    }You may complain to a supervisory authority${m.supervisoryAuthority ? `, for us ${esc(m.supervisoryAuthority)}` : ""} (Article 77).`,
    `## Do you have to give us your data?\n\nData needed for a contract (for example to deliver an order) is required to perform it; without it we cannot. Anything based on consent is optional.`,
    `## Automated decisions\n\n${
      automated.length === 0 ? "We make no decisions based solely on automated processing that significantly affect you (Article 22)." : list(automated.map((p) => `${esc(p.name)}: you may ask for human review and contest the decision.`))
    }`,
    m.regime === "ccpa"
      ? `## Notice at collection (California)\n\n${table(
          ["Purpose", "Sold or shared", "Retention"],
          m.purposes.map((p) => [esc(p.name), p.isSaleOrSharing ? "yes" : "no", esc(p.retention)]),
        )}\n\n${
          sold.length > 0 ? `You may opt out of the sale or sharing of your personal information; we treat a Global Privacy Control signal as a valid opt-out (11 CCR §7025).` : "We do not sell or share personal information."
        }`
      : null,
  ]);
}
