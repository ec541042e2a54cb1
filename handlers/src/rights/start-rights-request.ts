/**
 * data_subject_rights_requests_insert: the first steps of every request
 * (privacy-domain.md 3, 4): deadlines from the organization's calendar
 * (staff-entered requests arrive without them), the timeline's `received`
 * entry, the verification e-mail with a single-use expiring link (only the
 * token's SHA-256 is stored), the CCPA receipt confirmation (11 CCR 7021(a)),
 * and a notice to the organization's owners, admins and DPO. One transaction;
 * a redelivered event finds the `received` step and changes nothing.
 */
import { createHash, randomBytes } from "node:crypto";
import type { SecretKeyRing } from "../../../common/src/crypto";
import type { HandlersSdk } from "../adapters/sdk";
import type { TemplateName, TemplateVariables } from "../mail/templates";
import type { RightsRequestRecord } from "./operations";
import { deadlineInstants, displayDate, requesterEmail, requestLabel, rightsEmail, timelineEvent } from "./request-context";

export interface StartDeps {
  sdk: Pick<HandlersSdk, "FindRightsRequest" | "AdvanceRightsRequest">;
  secretKeys: SecretKeyRing;
  appBaseUrl: string;
  verificationTtlMs: number;
  now: () => Date;
  onEmailQueued?: () => void;
}

export type StartOutcome = { outcome: "started"; status: string; emails: number } | { outcome: "already_started" } | { outcome: "not_found" };

/** SHA-256 hex of a verification token (what the row keeps). */
export function hashVerificationToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Addresses of the team to notify: active owners and admins, plus the DPO (deduplicated, lower-case). */
export function teamAddresses(request: RightsRequestRecord): string[] {
  const all = [...request.controller.members.map((m) => m.user.email), request.controller.details?.dpoEmail ?? undefined];
  return [...new Set(all.filter((a): a is string => typeof a === "string" && a.length > 0).map((a) => a.toLowerCase()))];
}

export function requestUrl(appBaseUrl: string, request: { id: string }): string {
  return `${appBaseUrl}/rights-requests/${request.id}`;
}

export async function startRightsRequest(requestId: string, deps: StartDeps): Promise<StartOutcome> {
  const found = await deps.sdk.FindRightsRequest({ id: requestId });
  const request = found.dataSubjectRightsRequest;
  if (!request) return { outcome: "not_found" };
  if (request.events.some((e) => e.step === "received") || request.status !== "received") return { outcome: "already_started" };

  const now = deps.now();
  const tz = request.controller.details?.timezone;
  const deadlines = deadlineInstants({ regime: request.regime, requestType: request.requestType, receivedAt: new Date(request.receivedAt), timeZone: tz, settings: request.controller.settings });
  const dueAt = request.dueAt ?? deadlines.dueAt;
  const dueOn = displayDate(dueAt, tz);
  const organization = request.controller.details?.legalName ?? request.controller.title;
  const label = requestLabel(request.requestType);
  const to = requesterEmail(request.requesterEmailEncrypted, deps.secretKeys);
  const set: Record<string, unknown> = {
    dueAt,
    targetDueAt: request.targetDueAt ?? deadlines.targetDueAt,
    receivedOn: request.receivedOn ?? deadlines.receivedOn,
    ackDueAt: request.ackDueAt ?? deadlines.ackDueAt,
  };
  const events = [timelineEvent(request.id, "received", new Date(request.receivedAt), { dueAt, details: { regime: request.regime, source: request.source } })];
  const emails: Record<string, unknown>[] = [];
  const email = <T extends TemplateName>(toAddress: string, template: T, variables: TemplateVariables<T>, key: string): void => {
    emails.push(rightsEmail(deps.secretKeys, now, { controllerId: request.controllerId, to: toAddress, template, variables, idempotencyKey: key }));
  };

  const needsVerification = request.requestType !== "opt_out";
  if (!needsVerification) {
    // CCPA opt-out: no identity verification (11 CCR 7026(c)); act at once.
    Object.assign(set, { status: "verified", verificationMethod: "not_required", verifiedAt: now.toISOString(), verificationEvidence: { method: "not_required", reason: "opt_out" } });
    events.push(timelineEvent(request.id, "verified", now, { message: "No verification for an opt-out (11 CCR 7026)", details: { method: "not_required" } }));
  } else if (to) {
    const token = randomBytes(32).toString("base64url");
    const expiresAt = new Date(now.getTime() + deps.verificationTtlMs);
    Object.assign(set, {
      status: "pending_verification",
      verificationMethod: "email_link",
      verificationTokenHash: hashVerificationToken(token),
      verificationRequestedAt: now.toISOString(),
      verificationExpiresAt: expiresAt.toISOString(),
    });
    const verifyUrl = `${deps.appBaseUrl}/rights-requests/verify?request=${encodeURIComponent(request.id)}&token=${encodeURIComponent(token)}`;
    email(to, "rights_request_verification", { organization, requestLabel: label, verifyUrl, expiresInHours: Math.round(deps.verificationTtlMs / 3_600_000), dueOn }, `rights:${request.id}:verification`);
    events.push(timelineEvent(request.id, "verification_sent", now, { status: "sent", details: { method: "email_link", expiresAt: expiresAt.toISOString() } }));
  }
  // CCPA: confirm receipt within 10 business days (11 CCR 7021(a)); sent at intake [policy].
  if (request.regime === "ccpa" && request.requestType !== "opt_out" && to) {
    set.acknowledgedAt = now.toISOString();
    email(to, "rights_request_received", { organization, requestLabel: label, dueOn, verificationRequired: needsVerification }, `rights:${request.id}:receipt`);
    events.push(timelineEvent(request.id, "acknowledged", now, { status: "sent", dueAt: set.ackDueAt as string | null }));
  }
  for (const address of teamAddresses(request)) {
    email(address, "rights_request_team_notice", { organization, requestLabel: label, regime: request.regime, stage: "received", dueOn, requestUrl: requestUrl(deps.appBaseUrl, request) }, `rights:${request.id}:team:received:${address}`);
  }

  await deps.sdk.AdvanceRightsRequest({ where: { id: { _eq: request.id }, status: { _eq: "received" } }, set, events, emails });
  if (emails.length > 0) deps.onEmailQueued?.();
  return { outcome: "started", status: String(set.status ?? request.status), emails: emails.length };
}
