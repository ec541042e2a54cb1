/**
 * processIntakeEvent: an intake row (conduit's verified, hashed event) becomes
 * a data processing activity (ARCHITECTURE.md flow step 2):
 * 1. skip rows already processed (a redelivery changes nothing);
 * 2. resolve the data subject from the keyed hashes (identity/);
 * 3. insert the activity with subject, processor, event type, PII field types,
 *    triggered_at, the integration's legal basis and purpose, and a
 *    de-duplication key, and mark the intake row processed, in the same
 *    transaction as the subject's new links (and the subject when it is new);
 * 4. the activity is stored already checked for compliance (status and notes
 *    from compliance/assess-activity-compliance.ts, the code the
 *    data_processing_activities_insert trigger runs), from facts the first
 *    read already carries, so that trigger answers from its payload without a
 *    GraphQL call. When consent is the legal basis and the subject's value
 *    for the purpose is not known for certain (a subject the read did not
 *    return; no value stored yet while the published forms give the purpose a
 *    default grant that data_subjects_insert may still write), the activity
 *    stays `pending` and the trigger checks it as before.
 *
 * GraphQL round trips per event: FindIntakeContext (row status, integration
 * policy with the purposes, and the links of the event's hashes with their
 * subjects' consent values, in one query) and one mutation
 * (RecordIntakeWithNewSubject or RecordProcessingActivity); a lost race on a
 * new identifier adds one read and one write, a merge one update per
 * identifier type. The event trigger and the stranded-intake sweeper
 * (sweep-stranded-intake.ts) both call this function.
 *
 * The de-duplication key is `<service>:<platform event id>` when the platform
 * gives one (the same event can never count twice, whatever path it took),
 * else `intake:<intake id>`; the unique (controller_id, dedup_key) constraint
 * makes a second insert a no-op.
 */
import { z } from "zod";
import type { Logger } from "../../../common/src/logger";
import type { HandlersSdk } from "../adapters/sdk";
import { assessActivityCompliance, type SubjectConsent } from "../compliance/assess-activity-compliance";
import { LegalBasisSchema, readProcessorPolicy } from "../compliance/legal-basis";
import { catchLinkTaken, resolveDataSubject, type LinkRow, type ResolveDeps, type SubjectWriter } from "../identity/resolve-data-subject";
import { initialPreferences } from "../subjects/initial-preferences";

const HashSchema = z.string().regex(/^[0-9a-f]{64}$/);

/** The webhook_intake row as Hasura sends it (column names, contract 1.5). */
export const IntakeRowSchema = z.object({
  id: z.string().uuid(),
  controller_id: z.string().uuid(),
  data_processor_id: z.string().uuid().nullable(),
  service: z.string().min(1),
  event_type: z.string().min(1),
  platform_event_id: z.string().nullable(),
  pii: z.array(z.object({ type: z.string().min(1), hash: HashSchema, path: z.string().optional(), keyVersion: z.number().int().positive().optional() })),
  field_types: z.array(z.string()),
  triggered_at: z.string().min(1),
  status: z.string(),
});
export type IntakeRow = z.infer<typeof IntakeRowSchema>;

export interface ProcessIntakeDeps {
  sdk: Pick<HandlersSdk, "FindIntakeContext" | "RecordProcessingActivity" | "RecordIntakeWithNewSubject" | "MarkIntakeFailed"> & ResolveDeps["sdk"];
  logger: Logger;
  now: () => Date;
}

export type ProcessIntakeResult =
  | { outcome: "recorded"; activityId: string | null; dataSubjectId: string | null; createdSubject: boolean }
  | { outcome: "already_processed" }
  | { outcome: "intake_gone" }
  | { outcome: "failed"; reason: string };

/** The activity's de-duplication key (see the file comment). */
export function dedupKeyFor(row: Pick<IntakeRow, "id" | "service" | "platform_event_id">): string {
  return row.platform_event_id ? `${row.service}:${row.platform_event_id}` : `intake:${row.id}`;
}

export async function processIntakeEvent(row: IntakeRow, deps: ProcessIntakeDeps): Promise<ProcessIntakeResult> {
  const identifiers = row.pii.map((p) => ({ type: p.type, hash: p.hash, keyVersion: p.keyVersion ?? 1 }));
  const context = await deps.sdk.FindIntakeContext({ id: row.id, controllerId: row.controller_id, hashes: [...new Set(identifiers.map((i) => i.hash))] });
  const current = context.webhookIntakeEvent;
  if (!current) return { outcome: "intake_gone" };
  if (current.status === "processed") return { outcome: "already_processed" };

  const processor = current.dataProcessor;
  const policy = readProcessorPolicy(processor?.config);
  const purpose = policy.purpose ? processor?.controller.purposes.find((p) => p.slug === policy.purpose) : undefined;
  const basis = LegalBasisSchema.safeParse(policy.legalBasis ?? purpose?.legalBasis);
  if (!basis.success) {
    // Not transient: retrying cannot help until the integration is configured.
    // The row stays (status failed, reason without personal data) and is
    // processed again by redelivering its event once fixed.
    const reason = processor
      ? "integration has no legal basis: set data_processors.config.legalBasis or a purpose with one"
      : "intake row has no integration to take the legal basis from";
    await deps.sdk.MarkIntakeFailed({ id: row.id, error: reason });
    deps.logger.warn({ intakeId: row.id, reason }, "intake event not recorded");
    return { outcome: "failed", reason };
  }

  const triggeredAt = new Date(row.triggered_at);
  const seenAt = Number.isNaN(triggeredAt.getTime()) ? deps.now() : triggeredAt;
  const fieldTypes = [...new Set([...row.field_types, ...row.pii.map((p) => p.type)])].sort();
  const purposeSlug = policy.purpose ?? purpose?.slug ?? null;
  // The default data_subjects_insert gives a subject for this purpose, from
  // the same code and the same published forms (subjects/initial-preferences.ts).
  const defaultGrantMayFollow = purpose !== undefined && initialPreferences(processor?.controller.consentForms ?? []).get(purpose.id) === true;
  // The compliance facts exactly as the trigger reads them back from the row
  // (legal_basis, purpose, pii_field_types, purpose_id -> purposeDetails, the
  // processor's config, the subject's consent values).
  const compliance = (consent: SubjectConsent) =>
    assessActivityCompliance(
      {
        activity: { legalBasis: basis.data, purpose: purposeSlug, piiFieldTypes: fieldTypes },
        purposeId: purpose?.id ?? null,
        purpose: purpose ? { slug: purpose.slug, legalBasis: purpose.legalBasis, status: purpose.status, retentionDays: purpose.retentionDays, retentionCriteria: purpose.retentionCriteria } : null,
        processorConfig: processor?.config,
        consent,
      },
      { defaultGrantMayFollow },
    );
  // A known subject's consent values, when the read covered that very subject
  // (resolution may settle on a merge survivor or a concurrently created
  // subject the read did not return: then they are unknown).
  const consentOf = (subjectId: string): SubjectConsent => {
    const subject = context.privacyPreservingLinks.find((l) => l.dataSubject.id === subjectId)?.dataSubject;
    return subject ? { kind: "read", preferences: subject.preferenceValues } : { kind: "unread" };
  };
  const activity = (dataSubjectId: string | null, consent: SubjectConsent) => {
    const checked = compliance(consent);
    return {
      controllerId: row.controller_id,
      dataSubjectId,
      dataProcessorId: row.data_processor_id,
      intakeId: row.id,
      purposeId: purpose?.id ?? null,
      eventType: row.event_type,
      piiFieldTypes: fieldTypes,
      legalBasis: basis.data,
      purpose: purposeSlug,
      triggeredAt: seenAt.toISOString(),
      dedupKey: dedupKeyFor(row),
      complianceStatus: checked?.status ?? "pending",
      complianceNotes: checked?.notes ?? null,
    };
  };
  const processedAt = deps.now().toISOString();
  // The activity and the processed mark ride in the same mutation as the
  // subject and its links: one read (FindIntakeContext) and one write per
  // event when nothing races it (identity/resolve-data-subject.ts).
  const record = (subjectId: string | null, links: readonly LinkRow[], newLinks: readonly LinkRow[]) =>
    deps.sdk.RecordProcessingActivity({
      links: [...links],
      newLinks: [...newLinks],
      activity: activity(subjectId, subjectId === null ? { kind: "no_subject" } : consentOf(subjectId)),
      intakeId: row.id,
      processedAt,
      subjectIds: subjectId ? [subjectId] : [],
      seenAt: seenAt.toISOString(),
    });
  const writer: SubjectWriter<string | null> = {
    withoutSubject: async () => (await record(null, [], [])).insertDataProcessingActivity?.id ?? null,
    withSubject: (subjectId, known, added) =>
      catchLinkTaken(async () => {
        const result = await record(subjectId, known, added);
        return { kind: "written", owners: result.insertPrivacyPreservingLinks?.returning ?? [], result: result.insertDataProcessingActivity?.id ?? null } as const;
      }),
    withNewSubject: (subject, links) =>
      catchLinkTaken(async () => {
        const result = await deps.sdk.RecordIntakeWithNewSubject({ subject, links, activity: activity(subject.id, { kind: "new" }), intakeId: row.id, processedAt });
        return { kind: "written", result: result.insertDataProcessingActivity?.id ?? null } as const;
      }),
  };
  const resolved = await resolveDataSubject(
    {
      controllerId: row.controller_id,
      sourceProcessorId: row.data_processor_id,
      identifiers,
      seenAt,
      prefetched: context.privacyPreservingLinks,
    },
    deps,
    writer,
  );
  return {
    outcome: "recorded",
    activityId: resolved.written,
    dataSubjectId: resolved.kind === "resolved" ? resolved.subjectId : null,
    createdSubject: resolved.kind === "resolved" && resolved.created,
  };
}
