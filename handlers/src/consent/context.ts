/**
 * What both consent actions start from: the published form (by controller DID
 * and slug), who is asking (a signed subject token or a random first-party
 * visitor id; never a raw identifier), and the current decision per category.
 */
import { AuthError, NotFoundError, ValidationError } from "../../../common/src/errors";
import type { SecretKeyRing } from "../../../common/src/crypto";
import type { HandlersSdk, OperationResult } from "../adapters/sdk";
import { defaultDecision, type Decision } from "./decide";
import type { ConsentForm } from "./operations";
import { verifyConsentSubjectToken } from "./subject-token";

/** A random first-party id set by the widget: 16–128 URL-safe characters, so it cannot be an e-mail or phone number. */
export const VISITOR_ID_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;
const NIL_UUID = "00000000-0000-0000-0000-000000000000";

export type ConsentSdk = Pick<HandlersSdk, "FindConsentForm" | "FindConsentState" | "RecordConsentDecision">;

export interface PublishedForm {
  controllerId: string;
  form: ConsentForm;
}

export async function findPublishedForm(sdk: ConsentSdk, did: string, slug: string): Promise<PublishedForm> {
  const { dataControllers } = await sdk.FindConsentForm({ did, slug });
  const form = dataControllers[0]?.consentForms[0];
  // One message for "no organization" and "no such form": the public API does not say which organizations exist.
  if (!dataControllers[0] || !form) throw new NotFoundError("No published consent form with this slug for this organization");
  return { controllerId: dataControllers[0].id, form };
}

export type Who = { kind: "subject"; dataSubjectId: string } | { kind: "visitor"; visitorId: string };

/** The subject token wins over a visitor id; a bad token is refused rather than silently ignored. */
export async function identify(
  input: { subjectToken?: string | null; visitorId?: string | null },
  controllerId: string,
  deps: { secretKeys: SecretKeyRing; now: Date },
): Promise<Who | null> {
  if (input.subjectToken) {
    const verified = await verifyConsentSubjectToken(input.subjectToken, { controllerId, now: deps.now }, deps.secretKeys);
    if (!verified.ok) throw new AuthError(verified.reason === "expired" ? "The subject token has expired" : "The subject token is not valid for this organization");
    return { kind: "subject", dataSubjectId: verified.dataSubjectId };
  }
  if (input.visitorId) {
    if (!VISITOR_ID_PATTERN.test(input.visitorId)) {
      throw new ValidationError("Invalid visitor id", [{ path: "input.visitorId", message: "must be 16-128 characters of A-Z, a-z, 0-9, _ or -" }]);
    }
    return { kind: "visitor", visitorId: input.visitorId };
  }
  return null;
}

export type ConsentState = OperationResult<"FindConsentState">;

/**
 * The state of `who` on this form. A token naming a subject that was merged
 * into another (privacy-domain.md 12.4) continues with the survivor, which
 * holds the preferences since consolidation moved them; consolidation
 * flattens chains, so one hop is enough.
 */
export async function loadState(sdk: ConsentSdk, controllerId: string, formId: string, who: Who): Promise<{ state: ConsentState; who: Who }> {
  let current = who;
  for (let hop = 0; hop < 2; hop += 1) {
    const state = await sdk.FindConsentState({
      controllerId,
      formId,
      who: current.kind === "subject" ? { dataSubjectId: { _eq: current.dataSubjectId } } : { visitorId: { _eq: current.visitorId } },
      subjectId: current.kind === "subject" ? current.dataSubjectId : NIL_UUID,
      withSubject: current.kind === "subject",
    });
    if (current.kind === "visitor") return { state, who: current };
    const subject = state.dataSubject;
    if (!subject || subject.controllerId !== controllerId || subject.status === "erased") break;
    if (subject.status === "merged" && subject.mergedInto && hop === 0) {
      current = { kind: "subject", dataSubjectId: subject.mergedInto };
      continue;
    }
    return { state, who: current };
  }
  throw new NotFoundError("The data subject of this token no longer exists");
}

/**
 * The current decision per category: strictly necessary ones are granted;
 * then the subject's preference for the category's purpose (the truth across
 * every form, kept by each decision); then the last unexpired choice on this
 * form (visitors have no preferences); then the regime's default. `last` is
 * that unexpired record, or null when the widget should ask again.
 */
export function currentDecisions(form: ConsentForm, state: ConsentState | null, now: Date): { decisions: Map<string, Decision>; last: ConsentState["onForm"][number] | null } {
  const lastRecord = state?.onForm[0] ?? null;
  const last = lastRecord && (lastRecord.expiresAt === null || new Date(lastRecord.expiresAt).getTime() > now.getTime()) ? lastRecord : null;
  const preferences = new Map((state?.dataSubject?.preferenceValues ?? []).map((p) => [p.purposeId, p.granted]));
  const decisions = new Map<string, Decision>();
  for (const category of form.categories) {
    const preference = category.purpose ? preferences.get(category.purpose.id) : undefined;
    let decision: Decision;
    if (category.isRequired) decision = "granted";
    else if (preference !== undefined) decision = preference ? "granted" : "denied";
    else decision = last?.choices[category.slug] ?? defaultDecision(category, form.regime);
    decisions.set(category.slug, decision);
  }
  return { decisions, last };
}
