/**
 * verifyRightsRequest: the requester proves control of the address the
 * request was made with by the single-use token from the e-mail
 * (privacy-domain.md 4). Unknown request, wrong, used or expired token all
 * get the same answer; wrong tokens are counted and the link stops working
 * after MAX_VERIFICATION_ATTEMPTS. On success the token hash is cleared
 * (single use), the subject holding the address's keyed hash is attached (or
 * none: "no personal data held" is said only now, after verification), and
 * the evidence (method, time, matched identifier types) is kept, never the token.
 */
import { z } from "zod";
import { safeEqualHashHex } from "../../../common/src/crypto";
import { AppError } from "../../../common/src/errors";
import type { HandlersSdk } from "../adapters/sdk";
import { MAX_VERIFICATION_ATTEMPTS } from "./services";
import { timelineEvent } from "./request-context";

export const VerifyRightsRequestInputSchema = z.object({
  requestId: z.string().uuid(),
  token: z.string().min(16).max(200),
});
export type VerifyRightsRequestInput = z.infer<typeof VerifyRightsRequestInputSchema>;

/** The one answer for every failed verification (no oracle on which part failed). */
export class VerificationFailedError extends AppError {
  constructor() {
    super("verification_failed", 400, "This verification link is invalid or has expired. Submit the request again to get a new one.");
  }
}

export interface VerifyDeps {
  sdk: Pick<HandlersSdk, "FindRightsRequest" | "AdvanceRightsRequest" | "FindSubjectByEmailHash">;
  now: () => Date;
}

export interface VerifyRightsRequestOutput {
  [key: string]: unknown;
  requestId: string;
  status: string;
  verifiedAt: string | null;
}

export async function verifyRightsRequest(input: VerifyRightsRequestInput, deps: VerifyDeps): Promise<VerifyRightsRequestOutput> {
  const now = deps.now();
  const request = (await deps.sdk.FindRightsRequest({ id: input.requestId })).dataSubjectRightsRequest;
  if (!request || request.status !== "pending_verification" || !request.verificationTokenHash) throw new VerificationFailedError();
  const fail = async (reason: "expired" | "wrong_token" | "too_many_attempts"): Promise<never> => {
    await deps.sdk.AdvanceRightsRequest({
      where: { id: { _eq: request.id }, status: { _eq: "pending_verification" }, verificationAttempts: { _eq: request.verificationAttempts } },
      set: { verificationAttempts: request.verificationAttempts + 1 },
      events: [timelineEvent(request.id, "verification_failed", now, { status: "failed", details: { reason, attempt: request.verificationAttempts + 1 } })],
      emails: [],
    });
    throw new VerificationFailedError();
  };
  if (request.verificationAttempts >= MAX_VERIFICATION_ATTEMPTS) return fail("too_many_attempts");
  if (!safeEqualHashHex(input.token, request.verificationTokenHash)) return fail("wrong_token");
  if (!request.verificationExpiresAt || new Date(request.verificationExpiresAt).getTime() <= now.getTime()) return fail("expired");

  let subjectId: string | null = request.dataSubjectId;
  if (!subjectId && request.requesterEmailHash) {
    const links = await deps.sdk.FindSubjectByEmailHash({ controllerId: request.controllerId, hash: request.requesterEmailHash });
    const subject = links.privacyPreservingLinks[0]?.dataSubject;
    subjectId = subject ? (subject.mergedInto ?? subject.id) : null;
  }
  const evidence = { method: "email_link", verifiedAt: now.toISOString(), matchedIdentifierTypes: subjectId ? ["email"] : [], subjectFound: subjectId !== null };
  const result = await deps.sdk.AdvanceRightsRequest({
    // The hash in the guard makes the token single-use even under a race.
    where: { id: { _eq: request.id }, status: { _eq: "pending_verification" }, verificationTokenHash: { _eq: request.verificationTokenHash } },
    set: { status: "verified", verifiedAt: now.toISOString(), verificationTokenHash: null, verificationEvidence: evidence, dataSubjectId: subjectId },
    events: [timelineEvent(request.id, "verified", now, { details: { method: "email_link", subjectFound: subjectId !== null } })],
    emails: [],
  });
  if ((result.updateDataSubjectRightsRequests?.affected_rows ?? 0) === 0) throw new VerificationFailedError();
  return { requestId: request.id, status: "verified", verifiedAt: now.toISOString() };
}
