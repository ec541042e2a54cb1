/**
 * Erasure (privacy-domain.md 6): the subject and every subject merged into it
 * are deleted (links, consent records and preferences go by cascade; the
 * activities stay as the accountability record without the person, hasura/
 * README "deliberate delete behaviour"); the keyed hashes of their
 * identifiers become suppressions so later webhooks do not re-create them;
 * every integration is a step: a sync job when it can erase, `exempted` with
 * the controller's recorded reason (Art. 17(3)), or `not_applicable` when it
 * has no erasure API. What stays is the minimal proof: the request, its dates,
 * the systems contacted and their outcomes (section 10.2).
 */
import { z } from "zod";
import type { HandlersSdk } from "../adapters/sdk";
import { vendorEraserFor, type VendorOptions } from "../adapters/vendors";
import type { RightsRequestRecord } from "./operations";
import { timelineEvent } from "./request-context";

/** `data_processors.config.erasure` [policy]: `enabled` false to skip, `exemptionReason` to keep data under Art. 17(3). */
export const ErasureConfigSchema = z
  .object({ enabled: z.boolean().optional(), exemptionReason: z.string().min(1).max(500).optional() })
  .catch({});

/** The timeline message of the platform's own erasure step (a redelivered event finds it and does not repeat the step). */
export const OWN_ERASURE_MESSAGE = "Own records erased";

export interface EraseDeps {
  sdk: Pick<HandlersSdk, "FindSubjectsForRights" | "FindErasureProcessors" | "EraseRightsSubjects">;
  integrationBaseUrls: Readonly<Record<string, string>>;
  vendors?: VendorOptions;
  now: () => Date;
}

/** How an integration is asked to erase: its vendor's own API, the connector protocol, or not at all. */
export function erasureRoute(
  processor: { service: string; credentialsRef: string | null; config: Record<string, unknown> },
  deps: Pick<EraseDeps, "integrationBaseUrls" | "vendors">,
): "vendor_api" | "connector" | null {
  if (deps.vendors && vendorEraserFor(processor, deps.vendors)) return "vendor_api";
  return deps.integrationBaseUrls[processor.service] ? "connector" : null;
}

export interface ErasePlan {
  subjects: number;
  jobs: number;
  exempted: number;
  notApplicable: number;
}

export function erasureJobKey(requestId: string, processorId: string): string {
  return `erasure:${requestId}:${processorId}`;
}

/** Erases what the platform holds and plans the integrations' steps; guarded on status in_progress. */
export async function eraseSubject(request: RightsRequestRecord, deps: EraseDeps): Promise<ErasePlan> {
  const now = deps.now();
  const subjects = request.dataSubjectId ? (await deps.sdk.FindSubjectsForRights({ ids: [request.dataSubjectId] })).dataSubjects : [];
  const processors = (await deps.sdk.FindErasureProcessors({ controllerId: request.controllerId })).dataProcessors;
  const suppressions = subjects.flatMap((s) =>
    s.privacyPreservingLinks.map((l) => ({
      controllerId: request.controllerId,
      identifierType: l.identifierType,
      identifierHash: l.identifierHash,
      keyVersion: l.keyVersion,
      rightsRequestId: request.id,
      reason: "erasure",
    })),
  );
  if (request.requesterEmailHash) {
    // The verified address is suppressed even when no subject held it yet.
    suppressions.push({ controllerId: request.controllerId, identifierType: "email", identifierHash: request.requesterEmailHash, keyVersion: 1, rightsRequestId: request.id, reason: "erasure" });
  }
  const unique = [...new Map(suppressions.map((s) => [`${s.identifierType}:${s.identifierHash}`, s])).values()];
  const jobs: Record<string, unknown>[] = [];
  const events = [timelineEvent(request.id, "note", now, { message: OWN_ERASURE_MESSAGE, details: { system: "platform", subjectRecords: subjects.length, suppressions: unique.length } })];
  let exempted = 0;
  let notApplicable = 0;
  for (const p of processors) {
    const config = ErasureConfigSchema.parse(p.config.erasure ?? {});
    const base = { controllerId: request.controllerId, dataProcessorId: p.id, rightsRequestId: request.id, jobType: "erasure", idempotencyKey: erasureJobKey(request.id, p.id), nextAttemptAt: now.toISOString() };
    if (config.exemptionReason) {
      exempted += 1;
      jobs.push({ ...base, status: "exempted", exemptionReason: config.exemptionReason, completedAt: now.toISOString() });
      events.push(timelineEvent(request.id, "integration_result", now, { status: "exempted", dataProcessorId: p.id, message: config.exemptionReason, details: { service: p.service } }));
    } else if (config.enabled === false || erasureRoute(p, deps) === null) {
      notApplicable += 1;
      jobs.push({ ...base, status: "not_applicable", completedAt: now.toISOString() });
      events.push(timelineEvent(request.id, "integration_result", now, { status: "not_applicable", dataProcessorId: p.id, message: "No erasure API configured for this integration", details: { service: p.service } }));
    } else {
      jobs.push({ ...base, status: "pending" });
      events.push(timelineEvent(request.id, "integration_request", now, { status: "pending", dataProcessorId: p.id, details: { service: p.service, route: erasureRoute(p, deps) } }));
    }
  }
  await deps.sdk.EraseRightsSubjects({
    subjectIds: subjects.map((s) => s.id),
    suppressions: unique,
    jobs,
    where: { id: { _eq: request.id }, status: { _eq: "in_progress" } },
    set: { status: "in_progress" },
    events,
  });
  return { subjects: subjects.length, jobs: jobs.length - exempted - notApplicable, exempted, notApplicable };
}
