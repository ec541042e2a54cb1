/**
 * The consent state a new subject starts with, per purpose, from the
 * controller's published consent forms (privacy-domain.md 8.4): in an opt-in
 * regime every purpose starts denied (Recital 32: silence is not consent)
 * except strictly necessary categories (ePrivacy Art. 5(3)); in a US opt-out
 * regime purposes start granted until the person opts out. When two forms
 * cover one purpose, denied wins. These values have no source record: they are
 * defaults, not choices, and compliance treats them so.
 */
export interface FormFacts {
  regime: string;
  categories: readonly { purposeId: string | null; isRequired: boolean }[];
}

export function initialPreferences(forms: readonly FormFacts[]): Map<string, boolean> {
  const result = new Map<string, boolean>();
  for (const form of forms) {
    for (const category of form.categories) {
      if (!category.purposeId) continue;
      const granted = form.regime === "opt_out" ? true : category.isRequired;
      result.set(category.purposeId, (result.get(category.purposeId) ?? true) && granted);
    }
  }
  return result;
}
