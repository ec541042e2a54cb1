/**
 * The two jobs a profile edit queues (controllers/queue-profile-regeneration.ts)
 * and process_scheduled_events runs:
 *
 * - `regenerate_purposes`: the purposes the organization's connected
 *   integrations imply that it does not have yet (derive-purposes.ts), then
 *   the documents, so the notice lists them (GDPR Art. 13(1)(c)).
 * - `regenerate_documents`: the documents, which name the controller, its
 *   DPO, contact and regime (Art. 13(1)(a)-(b), 30(1)(a); privacy-domain.md 9).
 *
 * Both are idempotent: a document gets a new version only when its text
 * changed (generate-documents.ts compares the content digest of the latest
 * version), old versions are kept, and purposes are inserted with
 * `on_conflict do nothing`. Running a job twice, running both jobs of one
 * edit, or the jobs of two quick edits yields one new version per changed
 * document. The profile is read when the job runs, never from the payload.
 */
import type { HandlersSdk } from "../adapters/sdk";
import { deriveControllerPurposes } from "./derive-purposes";
import { generateDocuments, V0_DOCUMENTS, type GenerationResult } from "./generate-documents";

export const REGENERATION_JOBS = ["regenerate_documents", "regenerate_purposes"] as const;
export type RegenerationJob = (typeof REGENERATION_JOBS)[number];

export interface RegenerationDeps {
  sdk: Pick<HandlersSdk, "FindControllerProcessorsForPurposes" | "InsertDerivedPurposes" | "FindDocumentSources" | "InsertGeneratedDocument">;
  now: () => Date;
}

export type RegenerationOutcome =
  | { outcome: "regenerated"; purposesCreated: string[]; documentsCreated: GenerationResult["created"]; documentsUnchanged: GenerationResult["unchanged"] }
  | { outcome: "skipped"; reason: "controller_gone" };

export async function regenerateAfterProfileChange(job: RegenerationJob, controllerId: string, deps: RegenerationDeps): Promise<RegenerationOutcome> {
  let purposesCreated: string[] = [];
  if (job === "regenerate_purposes") {
    const purposes = await deriveControllerPurposes(controllerId, deps);
    if ("skipped" in purposes) return { outcome: "skipped", reason: purposes.skipped };
    purposesCreated = purposes.created;
  }
  // The assessment reads the profile too (identity, contact, DPO checks), so it is regenerated with the rest.
  const documents = await generateDocuments({ controllerId, types: V0_DOCUMENTS, trigger: job }, { sdk: deps.sdk, now: deps.now() });
  if ("skipped" in documents) return { outcome: "skipped", reason: documents.skipped };
  return { outcome: "regenerated", purposesCreated, documentsCreated: documents.created, documentsUnchanged: documents.unchanged };
}
