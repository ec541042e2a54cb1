/**
 * Cookie policy: what the consent banner offers (ePrivacy Art. 5(3): prior
 * consent except for strictly necessary storage), which tags each category
 * gates (privacy-domain.md 8.4), how to change a choice, and the GPC signal.
 */
import type { DocumentModel } from "../model";
import { doc, esc, list, table } from "./markdown";

export function renderCookiePolicy(m: DocumentModel): string {
  const purposeName = new Map(m.purposes.map((p) => [p.slug, p.name]));
  return doc([
    `# Cookie policy of ${esc(m.name)}`,
    "We store or read information on your device only when it is strictly necessary for the service you asked for, or with your prior consent (ePrivacy Directive Art. 5(3)). Refusing is as easy as accepting, and closing the banner counts as a refusal.",
    `## Categories\n\n${table(
      ["Category", "What for", "Needs consent", "Purpose"],
      m.cookieCategories.map((c) => [esc(c.title), esc(c.description), c.required ? "no (strictly necessary)" : "yes", esc(c.purpose ? (purposeName.get(c.purpose) ?? c.purpose) : null)]),
    )}`,
    `## Tags\n\n${
      m.tagContainers.length === 0
        ? "_No tag manager is connected._"
        : m.tagContainers
            .map(
              (t) =>
                `${esc(t.provider)} container ${esc(t.containerId)}${t.consentMode ? " (Google Consent Mode: denied by default until you choose)" : ""}:\n\n${list(
                  t.tags.map((tag) => `${esc(tag.id)} fires only when ${esc(tag.purposes.join(", ") || "nothing")} ${tag.purposes.length === 1 ? "is" : "are"} granted`),
                )}`,
            )
            .join("\n\n")
    }`,
    `## Changing your choice\n\nYou can change or withdraw your choice at any time from the cookie settings link on every page. Your choice is kept for 6 months, then we ask again.${
      m.honorsGpc ? " We treat a Global Privacy Control signal from your browser as a refusal of sale, sharing and targeted advertising." : ""
    }`,
  ]);
}
