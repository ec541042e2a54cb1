/**
 * Record of processing activities (GDPR Art. 30(1)): one entry per purpose
 * with (a) controller and DPO, (b) purpose, (c) categories of data,
 * (d) recipients, (e) transfers, (f) time limits, plus the lawful basis and
 * legitimate interest the ICO and CNIL templates add (privacy-domain.md 9).
 */
import { LEGAL_BASIS_TEXT, type DocumentModel } from "../model";
import { doc, esc, table } from "./markdown";

export function renderRopa(m: DocumentModel): string {
  const byName = new Map(m.recipients.map((r) => [r.name, r]));
  return doc([
    `# Record of processing activities of ${esc(m.name)}`,
    `Controller: ${esc(m.name)}, ${esc(m.address)}; contact ${esc(m.contactEmail)}; DPO ${m.dpo ? `${esc(m.dpo.name)} (${esc(m.dpo.email)})` : "none appointed"}.`,
    table(
      ["Purpose", "Lawful basis", "Legitimate interest", "Categories of data", "Recipients", "Transfers", "Erasure time limit"],
      m.purposes.map((p) => {
        const recipients = p.recipients.map((n) => byName.get(n)).filter((r): r is NonNullable<typeof r> => r !== undefined);
        return [
          esc(p.name),
          LEGAL_BASIS_TEXT[p.legalBasis] ?? esc(p.legalBasis),
          esc(p.legitimateInterest),
          esc([...new Set(recipients.flatMap((r) => r.dataCategories))].sort().join(", ")),
          esc(p.recipients.join(", ")),
          esc(recipients.filter((r) => r.transfer).map((r) => `${r.name} (${r.country ?? "?"})`).join(", "), "none"),
          esc(p.retention),
        ];
      }),
    ),
    "Security measures (Art. 32): identifiers are pseudonymised with keyed hashes per organization, secrets are encrypted at rest (AES-256-GCM), access is limited to the organization's members by role, and every processing event is logged.",
  ]);
}
