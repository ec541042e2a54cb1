/**
 * updateConsentPreferences: one consent decision = one new, append-only
 * consent record with its proof (privacy-domain.md 8.2; EDPB 05/2020 5.1):
 * what was shown (form version, notice version, SHA-256 of the exact wording,
 * each purpose's version, locale), when (server time and the client's),
 * how (mechanism, source URL, actor), signals (GPC, DNT, conflict), a keyed
 * hash of the IP, the user agent, the jurisdiction and regime applied, an
 * expiry for re-consent, and a hash chain per subject or visitor. For a known
 * subject the preference per purpose is upserted in the same transaction,
 * which fires data_subject_preference_values_update (sync to integrations).
 * Withdrawal is the same call with "denied": as easy as giving (Art. 7(3)).
 */
import { randomUUID } from "node:crypto";
import { ValidationError } from "../../../common/src/errors";
import { currentDecisions, findPublishedForm, identify, loadState } from "./context";
import { decideChoices, type Decision, type Mechanism } from "./decide";
import { clientIp, clientUserAgent, hashIp, noticeDigest, recordHash } from "./evidence";
import { gpcApplies, gpcSignal, jurisdictionOf } from "./gpc";
import type { ConsentChoiceOutput, ConsentDeps } from "./read-preferences";

/** Choices are kept 6 months, then the widget asks again (CNIL practice, privacy-domain.md 8.1). */
export const CONSENT_VALIDITY_MONTHS = 6;

export interface UpdateConsentPreferencesInput {
  did: string;
  formSlug: string;
  formVersion: number;
  visitorId?: string | null;
  subjectToken?: string | null;
  choices: { categorySlug: string; decision: Decision }[];
  mechanism: Mechanism;
  locale?: string | null;
  sourceUrl?: string | null;
  clientCollectedAt?: string | null;
}

export interface UpdateConsentPreferencesOutput {
  consentId: string;
  collectedAt: string;
  choices: ConsentChoiceOutput[];
}

function addMonths(date: Date, months: number): Date {
  const result = new Date(date.getTime());
  result.setUTCMonth(result.getUTCMonth() + months);
  return result;
}

/** Keeps only scheme, host and path of the page: a query string may carry personal data. */
function sourceUrlOf(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    if (url.protocol !== "https:" && url.protocol !== "http:") return null;
    return `${url.origin}${url.pathname}`.slice(0, 2048);
  } catch {
    throw new ValidationError("Invalid source URL", [{ path: "input.sourceUrl", message: "must be an absolute http(s) URL" }]);
  }
}

export async function updateConsentPreferences(input: UpdateConsentPreferencesInput, deps: ConsentDeps): Promise<UpdateConsentPreferencesOutput> {
  const { controllerId, form } = await findPublishedForm(deps.sdk, input.did, input.formSlug);
  if (input.formVersion !== form.version) {
    // The proof must name what was shown; an outdated widget must reload the form first.
    throw new ValidationError("The consent form changed since it was shown; reload it", [{ path: "input.formVersion", message: `current version is ${form.version}` }]);
  }
  const asked = await identify(input, controllerId, deps);
  if (!asked) throw new ValidationError("A visitor id or a subject token is required", [{ path: "input", message: "give visitorId or subjectToken" }]);
  // A merged subject's choice is recorded on the survivor, which holds its preferences.
  const { state, who } = await loadState(deps.sdk, controllerId, form.id, asked);
  const signal = gpcSignal(deps.headers);
  const jurisdiction = jurisdictionOf(deps.headers);
  const gpc = gpcApplies({ signal, honorGpc: form.honorGpc, jurisdiction });
  const outcome = decideChoices({
    categories: form.categories,
    mechanism: input.mechanism,
    submitted: input.choices,
    current: currentDecisions(form, state, deps.now).decisions,
    gpc,
  });
  if (!outcome.ok) throw new ValidationError("Invalid consent choices", outcome.issues);

  const now = deps.now;
  const id = randomUUID();
  const ip = clientIp(deps.headers);
  const choices = Object.fromEntries(form.categories.map((c) => [c.slug, outcome.decisions.get(c.slug) ?? "denied"]));
  const purposeVersions = Object.fromEntries(form.categories.flatMap((c) => (c.purpose ? [[c.purpose.slug, c.purpose.version]] : [])));
  const evidence = {
    id,
    controllerId,
    formId: form.id,
    dataSubjectId: who.kind === "subject" ? who.dataSubjectId : null,
    visitorId: who.kind === "visitor" ? who.visitorId : null,
    formVersion: form.version,
    noticeVersion: `v${form.version}`,
    noticeDigest: noticeDigest(form),
    purposeVersions,
    locale: input.locale ?? form.locale,
    choices,
    mechanism: input.mechanism,
    collectedAt: now.toISOString(),
    clientCollectedAt: input.clientCollectedAt ?? null,
    sourceUrl: sourceUrlOf(input.sourceUrl),
    jurisdiction,
    regime: form.regime,
    gpcSignal: signal,
    dntSignal: deps.headers["dnt"]?.trim() === "1",
    signalConflict: outcome.signalConflict,
    ipHash: ip ? hashIp(ip, controllerId, deps.secretKeys) : null,
    userAgent: clientUserAgent(deps.headers),
    actor: "subject",
    expiresAt: addMonths(now, CONSENT_VALIDITY_MONTHS).toISOString(),
  };
  const prev = state.chain[0]?.recordHash ?? null;
  const record = { ...evidence, prevRecordHash: prev, recordHash: recordHash(prev, evidence) };

  const preferences =
    who.kind === "subject"
      ? form.categories.flatMap((c) =>
          c.purpose && c.purpose.status === "active"
            ? [{ controllerId, dataSubjectId: who.dataSubjectId, purposeId: c.purpose.id, granted: choices[c.slug] === "granted", sourceFormValueId: id }]
            : [],
        )
      : [];
  const result = await deps.sdk.RecordConsentDecision({ record, preferences, withPreferences: preferences.length > 0 });
  const inserted = result.insertDataSubjectConsentFormValue;
  if (!inserted) throw new Error("[handlers/consent] the consent record was not inserted");
  return {
    consentId: inserted.id,
    collectedAt: inserted.collectedAt,
    choices: form.categories.map((c) => ({ categorySlug: c.slug, purposeSlug: c.purpose?.slug ?? null, decision: choices[c.slug] as Decision, required: c.isRequired })),
  };
}
