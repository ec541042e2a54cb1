/**
 * initializeDataSubject: what a new data subject needs (data_subjects_insert):
 * - a did:key when the controller enabled DID generation (set only while the
 *   subject has none, so a redelivery keeps the first one);
 * - activities recorded earlier without a subject whose intake carried one of
 *   the subject's keyed identifiers are attributed to it;
 * - its initial consent state per purpose from the published consent forms
 *   (existing values are never overwritten);
 * - a consent collection job (scheduled_events, reference
 *   "consent_collection") when the controller enabled it and has a published
 *   form, queued once per subject.
 *
 * GraphQL round trips: FindSubjectContext, then InitializeDataSubject with
 * every write in one transaction. The write is skipped when it has nothing to
 * do: no did:key to set, no published form, no collection to queue, and no
 * activity to attribute. Only an activity without a subject that came from an
 * intake row can be attributed, and the read says whether the controller has
 * any (limit 1); with none, the update could match nothing. None can appear
 * between the read and the skipped write that would have matched: the intake
 * records an activity without a subject only for an event with no linkage
 * identifier (identity/plan-resolution.ts), which no link of this subject can
 * match, and an erasure leaves activities without their subject only after
 * deleting its links, which must happen before this subject could take those
 * identifiers (links are unique). So the skip changes no outcome; a redelivery
 * reads and, at most, writes the same idempotent mutation again.
 */
import type { HandlersSdk } from "../adapters/sdk";
import { readControllerSettings } from "./controller-settings";
import { generateDidKey } from "./did-key";
import { initialPreferences } from "./initial-preferences";

export interface InitializeSubjectDeps {
  sdk: Pick<HandlersSdk, "FindSubjectContext" | "InitializeDataSubject">;
  now: () => Date;
  /** Injected for tests; defaults to a fresh Ed25519 did:key. */
  generateDid?: () => string;
}

export type InitializeSubjectResult =
  | { outcome: "subject_gone" }
  | { outcome: "skipped"; status: string }
  | { outcome: "initialized"; didAssigned: boolean; preferencesCreated: number; activitiesLinked: number; consentCollectionQueued: boolean };

export async function initializeDataSubject(input: { subjectId: string; controllerId: string }, deps: InitializeSubjectDeps): Promise<InitializeSubjectResult> {
  const context = await deps.sdk.FindSubjectContext({ id: input.subjectId, controllerId: input.controllerId, subjectRef: { dataSubjectId: input.subjectId } });
  const subject = context.dataSubject;
  const controller = context.dataController;
  // A subject deleted by a delivery that lost a resolution race, or removed with its controller.
  if (!subject || !controller) return { outcome: "subject_gone" };
  if (subject.status !== "active") return { outcome: "skipped", status: subject.status };
  const settings = readControllerSettings(controller.settings);

  const withDid = settings.didGeneration === true && subject.did === null;
  const did = withDid ? (deps.generateDid ?? generateDidKey)() : "";

  const preferences = [...initialPreferences(controller.consentForms)].map(([purposeId, granted]) => ({
    controllerId: input.controllerId,
    dataSubjectId: subject.id,
    purposeId,
    granted,
  }));
  const firstForm = controller.consentForms[0];
  const queueCollection = settings.consentCollection === true && firstForm !== undefined && controller.scheduledEvents.length === 0;
  const now = deps.now().toISOString();
  const scheduled = queueCollection
    ? [{
        controllerId: input.controllerId,
        ownerId: firstForm.id,
        ownerType: "consent_form",
        title: "Collect consent from a new data subject",
        reference: "consent_collection",
        payload: { dataSubjectId: subject.id, formId: firstForm.id },
        frequencyType: "once",
        nextEventAt: now,
      }]
    : [];
  const mayAttribute = subject.privacyPreservingLinks.length > 0 && controller.unattributedActivities.length > 0;
  if (!withDid && preferences.length === 0 && scheduled.length === 0 && !mayAttribute) {
    return { outcome: "initialized", didAssigned: false, preferencesCreated: 0, activitiesLinked: 0, consentCollectionQueued: false };
  }
  // The intake rows' pii is a jsonb array of {type, hash, ...}; containment
  // matches one identifier of this subject. Nothing to attribute: match nothing.
  const unattributed = !mayAttribute
    ? { id: { _in: [] } }
    : {
        controllerId: { _eq: input.controllerId },
        dataSubjectId: { _is_null: true },
        intake: { _or: subject.privacyPreservingLinks.map((l) => ({ pii: { _contains: [{ type: l.identifierType, hash: l.identifierHash }] } })) },
      };
  const result = await deps.sdk.InitializeDataSubject({
    subjectId: subject.id,
    did,
    withDid,
    preferences,
    withPreferences: preferences.length > 0,
    scheduled,
    withScheduled: scheduled.length > 0,
    unattributed,
  });
  return {
    outcome: "initialized",
    didAssigned: (result.updateDataSubjects?.affected_rows ?? 0) > 0,
    preferencesCreated: result.insertDataSubjectPreferenceValues?.affected_rows ?? 0,
    activitiesLinked: result.updateDataProcessingActivities?.affected_rows ?? 0,
    consentCollectionQueued: queueCollection,
  };
}
