/**
 * The decision per category of a consent form, pure (privacy-domain.md 8.1,
 * 8.5):
 * - strictly necessary (required) categories are always granted: they need no
 *   consent (ePrivacy Art. 5(3)) and the visitor cannot refuse them;
 * - accept_all grants and reject_all denies every other category, and a
 *   submitted choice that contradicts the button is rejected;
 * - save_choices and preference_center show the whole form, so a category
 *   left out is denied (silence is not consent, Recital 32);
 * - form_checkbox and api change only the categories they name;
 * - under GPC a sale/sharing category is denied unless this very submission
 *   grants it by name (a later explicit opt-in): then it is granted and the
 *   conflict is recorded. accept_all alone does not override the signal.
 */
import type { Issue } from "../../../common/src/errors";
import type { ConsentCategory } from "./operations";

export type Decision = "granted" | "denied";
export type Mechanism = "accept_all" | "reject_all" | "save_choices" | "preference_center" | "form_checkbox" | "api";

export interface DecisionInput {
  categories: readonly ConsentCategory[];
  mechanism: Mechanism;
  submitted: readonly { categorySlug: string; decision: Decision }[];
  /** The current decision per category slug (from preferences or the last record). */
  current: ReadonlyMap<string, Decision>;
  gpc: boolean;
}

export type DecisionOutcome =
  | { ok: true; decisions: Map<string, Decision>; signalConflict: boolean; gpcApplied: boolean }
  | { ok: false; issues: Issue[] };

export function decideChoices(input: DecisionInput): DecisionOutcome {
  const bySlug = new Map(input.categories.map((c) => [c.slug, c]));
  const issues: Issue[] = [];
  const submitted = new Map<string, Decision>();
  input.submitted.forEach((choice, i) => {
    if (!bySlug.has(choice.categorySlug)) issues.push({ path: `input.choices.${i}.categorySlug`, message: "is not a category of this form" });
    else if (submitted.has(choice.categorySlug)) issues.push({ path: `input.choices.${i}.categorySlug`, message: "is given twice" });
    else submitted.set(choice.categorySlug, choice.decision);
  });
  const buttonDecision: Decision | null = input.mechanism === "accept_all" ? "granted" : input.mechanism === "reject_all" ? "denied" : null;
  if (buttonDecision !== null) {
    input.submitted.forEach((choice, i) => {
      const category = bySlug.get(choice.categorySlug);
      if (category && !category.isRequired && choice.decision !== buttonDecision) {
        issues.push({ path: `input.choices.${i}.decision`, message: `contradicts ${input.mechanism}` });
      }
    });
  }
  if (input.mechanism !== "accept_all" && input.mechanism !== "reject_all" && input.submitted.length === 0) {
    issues.push({ path: "input.choices", message: `must name at least one category for ${input.mechanism}` });
  }
  if (issues.length > 0) return { ok: false, issues };

  const decisions = new Map<string, Decision>();
  let signalConflict = false;
  let gpcApplied = false;
  for (const category of input.categories) {
    let decision: Decision;
    if (category.isRequired) decision = "granted";
    else if (buttonDecision !== null) decision = buttonDecision;
    else if (submitted.has(category.slug)) decision = submitted.get(category.slug) as Decision;
    else if (input.mechanism === "form_checkbox" || input.mechanism === "api") decision = input.current.get(category.slug) ?? "denied";
    else decision = "denied";

    if (input.gpc && !category.isRequired && category.purpose?.isSaleOrSharing) {
      if (submitted.get(category.slug) === "granted") signalConflict = true;
      else if (decision === "granted") {
        decision = "denied";
        gpcApplied = true;
      } else gpcApplied = true;
    }
    decisions.set(category.slug, decision);
  }
  return { ok: true, decisions, signalConflict, gpcApplied };
}

/** The default decision before any choice (privacy-domain.md 8.4): opt-in denies, opt-out grants, required always granted. */
export function defaultDecision(category: ConsentCategory, regime: "opt_in" | "opt_out"): Decision {
  if (category.isRequired) return "granted";
  return regime === "opt_out" ? "granted" : "denied";
}
