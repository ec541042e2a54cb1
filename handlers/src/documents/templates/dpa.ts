/**
 * Data processing agreement between the organization (controller) and each
 * of its integrations acting as processors, with the terms GDPR Art. 28(3)
 * requires (subject matter, duration, nature and purpose, types of data,
 * obligations (a)-(h)) and Annex lists filled from the configuration.
 */
import type { DocumentModel } from "../model";
import { doc, esc, list, table } from "./markdown";

export function renderDpa(m: DocumentModel): string {
  return doc([
    `# Data processing agreement of ${esc(m.name)}`,
    `Between ${esc(m.name)}${m.address ? `, ${esc(m.address)}` : ""} (the controller) and each processor listed in Annex 2, under GDPR Article 28.`,
    "## 1. Subject matter, duration, nature and purpose\n\nThe processor processes personal data only to provide its service to the controller, for the purposes in Annex 1, for as long as the service is provided, and then deletes or returns the data at the controller's choice (Art. 28(3)(g)).",
    `## 2. Processor obligations (Art. 28(3))\n\n${list([
      "(a) process only on documented instructions of the controller, including for transfers to third countries;",
      "(b) ensure persons authorised to process the data are bound by confidentiality;",
      "(c) take the security measures of Article 32;",
      "(d) engage another processor only with the controller's prior written authorisation and on the same terms;",
      "(e) assist the controller in answering data-subject requests (Chapter III), including erasure and consent withdrawal calls sent through the platform;",
      "(f) assist with Articles 32 to 36 (security, breach notification, impact assessments);",
      "(g) delete or return all personal data at the end of the service;",
      "(h) make available the information needed to demonstrate compliance and allow audits.",
    ])}`,
    `## Annex 1: purposes and retention\n\n${table(
      ["Purpose", "Retention"],
      m.purposes.map((p) => [esc(p.name), esc(p.retention)]),
    )}`,
    `## Annex 2: processors\n\n${table(
      ["Processor", "Country", "Categories of data", "Third-country transfer"],
      m.recipients.map((r) => [esc(r.name), esc(r.country), esc(r.dataCategories.join(", ")), r.transfer ? "yes: standard contractual clauses (Art. 46(2)(c))" : "no"]),
    )}`,
    `## Contact\n\n${list([`Controller: ${esc(m.contactEmail)}`, m.dpo ? `Data protection officer: ${esc(m.dpo.email ?? m.dpo.name)}` : "Data protection officer: none appointed"])}`,
  ]);
}
