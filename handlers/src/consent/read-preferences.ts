/**
 * consentPreferences: the current choices of a visitor or known subject on a
 * published form, for the widget to show (and to gate tags, 8.4). Nothing is
 * written. Under an applicable GPC signal a sale/sharing category reads as
 * denied unless the last choice on this form was an explicit opt-in made with
 * the signal present (privacy-domain.md 8.5).
 */
import type { SecretKeyRing } from "../../../common/src/crypto";
import { currentDecisions, findPublishedForm, identify, loadState, type ConsentSdk } from "./context";
import type { Decision } from "./decide";
import { gpcApplies, gpcSignal, jurisdictionOf } from "./gpc";

export interface ConsentPreferencesInput {
  did: string;
  formSlug: string;
  visitorId?: string | null;
  subjectToken?: string | null;
}

export interface ConsentChoiceOutput {
  categorySlug: string;
  purposeSlug: string | null;
  decision: Decision;
  required: boolean;
}

export interface ConsentPreferencesOutput {
  formId: string;
  formVersion: number;
  choices: ConsentChoiceOutput[];
  collectedAt: string | null;
  expiresAt: string | null;
}

export interface ConsentDeps {
  sdk: ConsentSdk;
  secretKeys: SecretKeyRing;
  now: Date;
  headers: Readonly<Record<string, string>>;
}

export async function readConsentPreferences(input: ConsentPreferencesInput, deps: ConsentDeps): Promise<ConsentPreferencesOutput> {
  const { controllerId, form } = await findPublishedForm(deps.sdk, input.did, input.formSlug);
  const who = await identify(input, controllerId, deps);
  const state = who ? (await loadState(deps.sdk, controllerId, form.id, who)).state : null;
  const { decisions, last } = currentDecisions(form, state, deps.now);
  const gpc = gpcApplies({ signal: gpcSignal(deps.headers), honorGpc: form.honorGpc, jurisdiction: jurisdictionOf(deps.headers) });
  const choices = form.categories.map((category): ConsentChoiceOutput => {
    let decision = decisions.get(category.slug) ?? "denied";
    if (gpc && !category.isRequired && category.purpose?.isSaleOrSharing && !(last?.gpcSignal && last.choices[category.slug] === "granted")) decision = "denied";
    return { categorySlug: category.slug, purposeSlug: category.purpose?.slug ?? null, decision, required: category.isRequired };
  });
  return { formId: form.id, formVersion: form.version, choices, collectedAt: last?.collectedAt ?? null, expiresAt: last?.expiresAt ?? null };
}
