/**
 * The compliance check of a processing activity, decided where its facts are
 * first known: at intake, before the activity is written (so the row is
 * stored already checked and data_processing_activities_insert has nothing
 * left to do), or in that trigger for an activity still `pending`. Both call
 * `evaluateCompliance` with the same facts, read the same way:
 *
 * - the activity's legal basis, purpose slug and PII field types (what is
 *   stored on the row);
 * - the declared purpose the activity points at (purpose_id);
 * - the field types declared in the integration's configuration;
 * - the subject's consent value for that purpose
 *   (data_subject_preference_values), which evaluateCompliance reads only
 *   when consent is the legal basis.
 *
 * The one fact the intake cannot always read as the trigger would is that
 * consent value: data_subjects_insert gives a NEW subject its default value
 * per purpose from the published consent forms (subjects/initial-preferences.ts)
 * after the intake committed, racing the trigger. A default denial changes
 * nothing (no value and a value without a consent record both give "no
 * recorded consent", needs_review), but a default GRANT (an opt-out regime, or
 * a category marked required) turns that finding into none. So when consent
 * decides and no value is stored for the purpose yet, the intake decides only
 * if the default still to come is not a grant; otherwise, and whenever it did
 * not read the subject's values at all, it leaves the activity `pending` and
 * the trigger checks it, exactly as before.
 */
import { evaluateCompliance, type ActivityFacts, type ComplianceResult, type ConsentFacts, type PurposeFacts } from "./evaluate-compliance";
import { readProcessorPolicy } from "./legal-basis";

/** A subject's consent value for one purpose, as stored. */
export interface PreferenceFacts extends ConsentFacts {
  purposeId: string;
}

/** What the caller knows about the consent values of the activity's subject. */
export type SubjectConsent =
  /** The activity has no subject: nothing to read, the trigger reads nothing either. */
  | { kind: "no_subject" }
  /** A subject created by this very write: no value stored yet. */
  | { kind: "new" }
  /** The subject's stored values, as read. */
  | { kind: "read"; preferences: readonly PreferenceFacts[] }
  /** Not read (a subject the read did not return, e.g. a merge survivor or one created concurrently). */
  | { kind: "unread" };

export interface ActivityComplianceFacts {
  activity: ActivityFacts;
  /** purpose_id of the activity (null when its purpose is not a declared one). */
  purposeId: string | null;
  /** The declared purpose behind purposeId. */
  purpose: PurposeFacts | null;
  /** data_processors.config of the activity's integration. */
  processorConfig: unknown;
  consent: SubjectConsent;
}

/**
 * True when the subject's consent can change the result: evaluateCompliance
 * reads it only with consent as the legal basis (Art. 6(1)(a), 7(1)), and a
 * value is looked up by the activity's purpose_id.
 */
export function consentDecides(legalBasis: string, purposeId: string | null): boolean {
  return legalBasis === "consent" && purposeId !== null;
}

/** The subject's stored consent value for the purpose, if any. */
export function preferenceFor(purposeId: string | null, preferences: readonly PreferenceFacts[]): ConsentFacts | null {
  if (purposeId === null) return null;
  const row = preferences.find((p) => p.purposeId === purposeId);
  return row ? { granted: row.granted, sourceFormValueId: row.sourceFormValueId } : null;
}

/**
 * The status and notes of the activity, or null when they cannot be decided
 * yet (see the file comment). `defaultGrantMayFollow`: whether a missing
 * value may still be filled by data_subjects_insert with a grant; false for
 * the trigger, which takes the values as it finds them (no value = no
 * consent), and for the intake when the published forms give the purpose no
 * default grant.
 */
export function assessActivityCompliance(facts: ActivityComplianceFacts, options: { defaultGrantMayFollow: boolean }): ComplianceResult | null {
  let consent: ConsentFacts | null = null;
  if (consentDecides(facts.activity.legalBasis, facts.purposeId)) {
    switch (facts.consent.kind) {
      case "unread":
        return null;
      case "new":
        if (options.defaultGrantMayFollow) return null;
        break;
      case "read":
        consent = preferenceFor(facts.purposeId, facts.consent.preferences);
        if (consent === null && options.defaultGrantMayFollow) return null;
        break;
      case "no_subject":
        break;
      default: {
        const unknownKind: never = facts.consent;
        throw new Error(`[handlers/compliance] unknown consent knowledge ${JSON.stringify(unknownKind)}`);
      }
    }
  }
  return evaluateCompliance({
    activity: facts.activity,
    purpose: facts.purpose,
    declaredFieldTypes: readProcessorPolicy(facts.processorConfig).fieldTypes ?? null,
    consent,
  });
}
