/**
 * Generates an organization's documents from its current configuration and
 * stores each one as a new version only when its text changed: the source
 * digest (SHA-256 of the content) of the latest version is compared first,
 * so a redelivered event or a change that does not touch a document stores
 * nothing. Old versions are never changed or deleted (a regeneration keeps
 * them: what was published stays provable). New versions are drafts; the
 * organization reviews and publishes them. Two generations racing for the
 * same version number insert once (version key); the loser throws, and the
 * retried delivery finds the winner's text.
 */
import { createHash } from "node:crypto";
import type { HandlersSdk } from "../adapters/sdk";
import { buildDocumentModel, type DocumentModel } from "./model";
import type { DocumentSources } from "./operations";
import { buildAssessment } from "./templates/assessment";
import { renderCookiePolicy } from "./templates/cookie-policy";
import { renderDpa } from "./templates/dpa";
import { renderPrivacyPolicy } from "./templates/privacy-policy";
import { renderRopa } from "./templates/ropa";

export type DocumentType = "privacy_policy" | "cookie_policy" | "dpa" | "ropa" | "transparency_profile";

interface Rendered {
  documentType: DocumentType;
  title: string;
  content: string;
  contentFormat: "markdown" | "json";
}

const RENDERERS: Record<DocumentType, (m: DocumentModel) => Rendered> = {
  privacy_policy: (m) => ({ documentType: "privacy_policy", title: `Privacy notice of ${m.name}`, content: renderPrivacyPolicy(m), contentFormat: "markdown" }),
  cookie_policy: (m) => ({ documentType: "cookie_policy", title: `Cookie policy of ${m.name}`, content: renderCookiePolicy(m), contentFormat: "markdown" }),
  dpa: (m) => ({ documentType: "dpa", title: `Data processing agreement of ${m.name}`, content: renderDpa(m), contentFormat: "markdown" }),
  ropa: (m) => ({ documentType: "ropa", title: `Record of processing activities of ${m.name}`, content: renderRopa(m), contentFormat: "markdown" }),
  transparency_profile: (m) => ({ documentType: "transparency_profile", title: `Privacy assessment of ${m.name}`, content: `${JSON.stringify(buildAssessment(m), null, 2)}\n`, contentFormat: "json" }),
};

/** The documents the purposes, integrations and profile feed (generate_controller_documents). */
export const CONTROLLER_DOCUMENTS: readonly DocumentType[] = ["privacy_policy", "cookie_policy", "dpa", "ropa"];
/** Everything a new organization starts with (generate_v0_profile). */
export const V0_DOCUMENTS: readonly DocumentType[] = ["transparency_profile", ...CONTROLLER_DOCUMENTS];
const LOCALE = "en";

export interface GenerationResult {
  created: { documentType: DocumentType; version: number }[];
  unchanged: DocumentType[];
}

function digest(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

function sourceOf(sources: DocumentSources, model: DocumentModel, contentDigest: string, trigger: string): Record<string, unknown> {
  return {
    digest: contentDigest,
    trigger,
    profileVersion: model.profileVersion,
    purposes: Object.fromEntries(model.purposes.map((p) => [p.slug, p.version])),
    processors: sources.dataProcessors.map((p) => p.id),
  };
}

const MAX_ROUNDS = 5;

export async function generateDocuments(
  input: { controllerId: string; types: readonly DocumentType[]; trigger: string },
  deps: { sdk: Pick<HandlersSdk, "FindDocumentSources" | "InsertGeneratedDocument">; now: Date },
): Promise<GenerationResult | { skipped: "controller_gone" }> {
  const result: GenerationResult = { created: [], unchanged: [] };
  let pending = [...input.types];
  // Several triggers fire at once for a new organization (profile, five
  // purposes): a lost race for a version number re-reads and tries again.
  for (let round = 0; round < MAX_ROUNDS && pending.length > 0; round += 1) {
    const { dataController: sources } = await deps.sdk.FindDocumentSources({ controllerId: input.controllerId });
    if (!sources) return { skipped: "controller_gone" };
    const model = buildDocumentModel(sources);
    const latest = new Map(sources.generatedDocuments.filter((d) => d.locale === LOCALE).map((d) => [d.documentType, d]));
    const lost: DocumentType[] = [];
    for (const type of pending) {
      const rendered = RENDERERS[type](model);
      const contentDigest = digest(rendered.content);
      const previous = latest.get(type);
      if (previous && previous.source["digest"] === contentDigest) {
        result.unchanged.push(type);
        continue;
      }
      const version = (previous?.version ?? 0) + 1;
      const inserted = await deps.sdk.InsertGeneratedDocument({
        document: {
          controllerId: input.controllerId,
          documentType: type,
          locale: LOCALE,
          version,
          title: rendered.title,
          content: rendered.content,
          contentFormat: rendered.contentFormat,
          status: "draft",
          source: sourceOf(sources, model, contentDigest, input.trigger),
          generatedAt: deps.now.toISOString(),
        },
      });
      if ((inserted.insertGeneratedDocuments?.affected_rows ?? 0) === 1) result.created.push({ documentType: type, version });
      else lost.push(type);
    }
    pending = lost;
  }
  // Still losing after every round: a 500, so the delivery is retried later.
  if (pending.length > 0) throw new Error(`[handlers/documents] ${pending.join(", ")} kept being generated concurrently`);
  return result;
}
