/**
 * data_subject_rights_requests_update: each status change gets its next step
 * and the requester's notice (privacy-domain.md 2-7):
 *
 *   verified     -> in_progress; requester told it is confirmed; the team is
 *                   asked to act on types handled by people (rectification,
 *                   restriction, objection, opt-out)
 *   in_progress  -> access/portability: export written, linked, completed;
 *                   deletion: own records erased, integrations planned (the
 *                   erasure worker completes it when every step is terminal)
 *   extended     -> requester told the reason and the new date (Art. 12(3))
 *   completed    -> requester told, with the download link for exports
 *   refused      -> requester told the reason and the right to complain (Art. 12(4))
 *
 * Each step re-reads the request and is guarded on its status, so a
 * redelivered or out-of-order event changes nothing.
 */
import type { SecretKeyRing } from "../../../common/src/crypto";
import type { HandlersSdk } from "../adapters/sdk";
import type { TemplateName, TemplateVariables } from "../mail/templates";
import { buildExport, type ExportDeps } from "./build-export";
import { eraseSubject, OWN_ERASURE_MESSAGE, type EraseDeps } from "./erase-subject";
import { signExportLink } from "./export-links";
import type { RightsRequestRecord } from "./operations";
import { displayDate, requesterEmail, requestLabel, rightsEmail, timelineEvent } from "./request-context";
import type { RightsOptions } from "./services";
import { requestUrl, teamAddresses } from "./start-rights-request";

/** Timeline note when an erasure's requester address is destroyed. */
export const REQUESTER_ADDRESS_DESTROYED = "Requester address destroyed";

const MANUAL_TYPES = new Set(["rectification", "restriction", "objection", "opt_out"]);

export interface AdvanceDeps {
  sdk: Pick<HandlersSdk, "FindRightsRequest" | "AdvanceRightsRequest" | "FindErasureProgress"> & ExportDeps["sdk"] & EraseDeps["sdk"];
  secretKeys: SecretKeyRing;
  appBaseUrl: string;
  rights: Pick<RightsOptions, "exportsDir" | "exportBaseUrl" | "exportTtlMs" | "integrationBaseUrls" | "vendors">;
  now: () => Date;
  onEmailQueued?: () => void;
  /** Wakes the erasure worker after jobs were queued. */
  onErasureQueued?: () => void;
}

export interface StatusChange {
  requestId: string;
  oldStatus: string | null;
  newStatus: string;
  oldExtended: boolean;
  newExtended: boolean;
}

export type AdvanceOutcome = { requestId: string; steps: string[] };

class Step {
  readonly events: Record<string, unknown>[] = [];
  readonly emails: Record<string, unknown>[] = [];
  constructor(
    private readonly request: RightsRequestRecord,
    private readonly deps: AdvanceDeps,
    readonly now: Date,
  ) {}
  get organization(): string {
    return this.request.controller.details?.legalName ?? this.request.controller.title;
  }
  email<T extends TemplateName>(to: string | null, template: T, variables: TemplateVariables<T>, key: string): void {
    if (!to) return;
    this.emails.push(rightsEmail(this.deps.secretKeys, this.now, { controllerId: this.request.controllerId, to, template, variables, idempotencyKey: key }));
  }
  event(step: string, extra: Parameters<typeof timelineEvent>[3] = {}): void {
    if (this.request.events.some((e) => e.step === step)) return;
    this.events.push(timelineEvent(this.request.id, step, this.now, extra));
  }
  async commit(where: Record<string, unknown>, set: Record<string, unknown>): Promise<number> {
    // An update needs one column to set; updated_at is not a trigger column, so this fires nothing.
    const columns = Object.keys(set).length > 0 ? set : { updatedAt: this.now.toISOString() };
    const result = await this.deps.sdk.AdvanceRightsRequest({ where: { id: { _eq: this.request.id }, ...where }, set: columns, events: this.events, emails: this.emails });
    if (this.emails.length > 0) this.deps.onEmailQueued?.();
    return result.updateDataSubjectRightsRequests?.affected_rows ?? 0;
  }
}

function dueDate(request: RightsRequestRecord): string {
  const due = request.extendedDueAt ?? request.dueAt;
  return due ? displayDate(due, request.controller.details?.timezone) : "the legal deadline";
}

export async function advanceRightsRequest(change: StatusChange, deps: AdvanceDeps): Promise<AdvanceOutcome> {
  const request = (await deps.sdk.FindRightsRequest({ id: change.requestId })).dataSubjectRightsRequest;
  const steps: string[] = [];
  if (!request) return { requestId: change.requestId, steps };
  const to = requesterEmail(request.requesterEmailEncrypted, deps.secretKeys);
  const label = requestLabel(request.requestType);
  const statusChanged = change.oldStatus !== change.newStatus;

  if (!change.oldExtended && change.newExtended && request.extended && !request.extensionNotifiedAt && request.extendedDueAt) {
    const step = new Step(request, deps, deps.now());
    const extendedDueOn = displayDate(request.extendedDueAt, request.controller.details?.timezone);
    step.email(to, "rights_request_extended", { organization: step.organization, requestLabel: label, reason: request.extensionReason ?? "the complexity of the request", extendedDueOn }, `rights:${request.id}:extended`);
    step.event("extended", { status: "sent", dueAt: request.extendedDueAt, message: request.extensionReason ?? undefined });
    await step.commit({ extensionNotifiedAt: { _is_null: true } }, { extensionNotifiedAt: step.now.toISOString() });
    steps.push("extension_notified");
  }
  if (!statusChanged || request.status !== change.newStatus) return { requestId: request.id, steps };

  switch (request.status) {
    case "verified": {
      const step = new Step(request, deps, deps.now());
      step.event("in_progress");
      step.email(to, "rights_request_in_progress", { organization: step.organization, requestLabel: label, dueOn: dueDate(request) }, `rights:${request.id}:in_progress`);
      if (MANUAL_TYPES.has(request.requestType)) {
        for (const address of teamAddresses(request)) {
          step.email(address, "rights_request_team_notice", { organization: step.organization, requestLabel: label, regime: request.regime, stage: "verified", dueOn: dueDate(request), requestUrl: requestUrl(deps.appBaseUrl, request) }, `rights:${request.id}:team:verified:${address}`);
        }
      }
      if ((await step.commit({ status: { _eq: "verified" } }, { status: "in_progress" })) > 0) steps.push("in_progress");
      break;
    }
    case "in_progress": {
      if (request.requestType === "access" || request.requestType === "portability") {
        await completeExport(request, deps);
        steps.push("export_ready");
      } else if (request.requestType === "deletion" && !request.events.some((e) => e.message === OWN_ERASURE_MESSAGE)) {
        const plan = await eraseSubject(request, { sdk: deps.sdk, integrationBaseUrls: deps.rights.integrationBaseUrls, ...(deps.rights.vendors ? { vendors: deps.rights.vendors } : {}), now: deps.now });
        steps.push("erased");
        if (plan.jobs > 0) deps.onErasureQueued?.();
        else await completeErasure(request.id, deps);
      }
      break;
    }
    case "completed": {
      const step = new Step(request, deps, deps.now());
      step.event("completed", { message: request.outcome ?? undefined });
      const summary = completionSummary(request);
      const download =
        request.resultLocation && request.resultExpiresAt && new Date(request.resultExpiresAt).getTime() > step.now.getTime()
          ? {
              downloadUrl: signExportLink(deps.rights.exportBaseUrl, deps.secretKeys, request.id, "export.json", new Date(request.resultExpiresAt)),
              downloadExpiresAt: request.resultExpiresAt,
            }
          : {};
      step.email(to, "rights_request_completed", { organization: step.organization, requestLabel: label, summary, ...download }, `rights:${request.id}:completed`);
      // An erasure's last use of the requester's address is this notice (its
      // outbox row holds its own encrypted copy): the request's copy, kept
      // only for the verification e-mail and the vendor calls that address
      // the person by it, is destroyed now (privacy-domain.md 12.2: raw
      // identifiers deleted on erasure; 11 CCR 7060: verification data
      // deleted once the request is processed). The keyed hash stays as the
      // tombstone's suppression (section 6).
      const destroy = request.requestType === "deletion" && request.requesterEmailEncrypted !== null;
      if (destroy) step.events.push(timelineEvent(request.id, "note", step.now, { message: REQUESTER_ADDRESS_DESTROYED, details: { field: "requester_email_encrypted" } }));
      await step.commit({ status: { _eq: "completed" } }, destroy ? { requesterEmailEncrypted: null } : {});
      steps.push("completion_notified");
      break;
    }
    case "refused": {
      const step = new Step(request, deps, deps.now());
      step.event("refused", { message: request.refusalReason ?? undefined });
      const authority = request.controller.details?.supervisoryAuthority ?? "the data protection authority where you live or work";
      step.email(to, "rights_request_refused", { organization: step.organization, requestLabel: label, reason: request.refusalReason ?? "not given", authority }, `rights:${request.id}:refused`);
      await step.commit({ status: { _eq: "refused" }, refusalNotifiedAt: { _is_null: true } }, { refusalNotifiedAt: step.now.toISOString() });
      steps.push("refusal_notified");
      break;
    }
    case "cancelled": {
      const step = new Step(request, deps, deps.now());
      step.event("cancelled");
      await step.commit({ status: { _eq: "cancelled" } }, {});
      steps.push("cancelled");
      break;
    }
    default:
      break;
  }
  return { requestId: request.id, steps };
}

function completionSummary(request: RightsRequestRecord): string {
  switch (request.requestType) {
    case "access":
      return request.dataSubjectId || request.resultLocation
        ? "Your copy holds every record we keep about you, with the purposes, recipients, storage periods and your rights, as JSON and CSV files."
        : "We hold no personal data about you.";
    case "portability":
      return "Your data is attached as machine-readable JSON and CSV files you can pass to another service.";
    case "deletion":
      return request.outcome === "partially_completed"
        ? "We erased your personal data. Some records are kept where the law requires it; the reasons were recorded, and you may ask us for them."
        : "We erased your personal data and asked every service we share it with to erase it too.";
    default:
      return "Your request was carried out as you asked.";
  }
}

async function completeExport(request: RightsRequestRecord, deps: AdvanceDeps): Promise<void> {
  const now = deps.now();
  const summary = await buildExport(
    {
      requestId: request.id,
      controllerId: request.controllerId,
      kind: request.requestType === "portability" ? "portability" : "access",
      organization: request.controller.details?.legalName ?? request.controller.title,
      supervisoryAuthority: request.controller.details?.supervisoryAuthority ?? null,
      receivedAt: request.receivedAt,
      subjectId: request.dataSubjectId,
    },
    { sdk: deps.sdk, exportsDir: deps.rights.exportsDir, now: () => now },
  );
  const expiresAt = new Date(now.getTime() + deps.rights.exportTtlMs);
  const step = new Step(request, deps, now);
  step.event("export_ready", { details: { files: summary.files, activities: summary.activities, subjectRecords: summary.subjects, consentRecords: summary.consentRecords, expiresAt: expiresAt.toISOString() } });
  step.event("completed", { message: summary.subjects > 0 ? "completed" : "no personal data held" });
  await step.commit(
    { status: { _eq: "in_progress" } },
    { status: "completed", outcome: "completed", completedAt: now.toISOString(), resultLocation: `exports/${request.id}`, resultExpiresAt: expiresAt.toISOString() },
  );
}

/** Completes an erasure whose every step is terminal; `partially_completed` when any was exempted or failed. Resolves with whether it completed now. */
export async function completeErasure(requestId: string, deps: { sdk: Pick<HandlersSdk, "FindErasureProgress" | "AdvanceRightsRequest">; now: () => Date }): Promise<boolean> {
  const progress = (await deps.sdk.FindErasureProgress({ requestId })).dataSubjectRightsRequest;
  if (!progress || progress.status !== "in_progress") return false;
  const statuses = progress.integrationSyncJobs.map((j) => j.status);
  if (statuses.some((s) => s === "pending" || s === "sent" || s === "acknowledged")) return false;
  const partial = statuses.some((s) => s === "exempted" || s === "failed");
  const now = deps.now();
  const result = await deps.sdk.AdvanceRightsRequest({
    where: { id: { _eq: requestId }, status: { _eq: "in_progress" } },
    set: { status: "completed", outcome: partial ? "partially_completed" : "completed", completedAt: now.toISOString() },
    events: [timelineEvent(requestId, "completed", now, { message: partial ? "partially_completed" : "completed", details: { steps: statuses.length } })],
    emails: [],
  });
  return (result.updateDataSubjectRightsRequests?.affected_rows ?? 0) > 0;
}
