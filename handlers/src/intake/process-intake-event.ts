/**
 * processIntakeEvent: an intake row (conduit's verified, hashed event) becomes
 * a data processing activity (ARCHITECTURE.md flow step 2):
 * 1. skip rows already processed (a redelivery changes nothing);
 * 2. resolve the data subject from the keyed hashes (identity/);
 * 3. insert the activity with subject, processor, event type, PII field types,
 *    triggered_at, the integration's legal basis and purpose, and a
 *    de-duplication key, and mark the intake row processed, in one transaction.
 *
 * The de-duplication key is `<service>:<platform event id>` when the platform
 * gives one (the same event can never count twice, whatever path it took),
 * else `intake:<intake id>`; the unique (controller_id, dedup_key) constraint
 * makes a second insert a no-op.
 */
import { z } from "zod";
import type { Logger } from "../../../common/src/logger";
import type { HandlersSdk } from "../adapters/sdk";
import { LegalBasisSchema, readProcessorPolicy } from "../compliance/legal-basis";
import { resolveDataSubject, type ResolveDeps } from "../identity/resolve-data-subject";

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
  sdk: Pick<HandlersSdk, "FindIntakeContext" | "RecordProcessingActivity" | "MarkIntakeFailed"> & ResolveDeps["sdk"];
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
  const resolved = await resolveDataSubject(
    {
      controllerId: row.controller_id,
      sourceProcessorId: row.data_processor_id,
      identifiers,
      seenAt,
      prefetched: context.privacyPreservingLinks,
    },
    deps,
  );
  const subjectId = resolved.kind === "resolved" ? resolved.subjectId : null;
  const fieldTypes = [...new Set([...row.field_types, ...row.pii.map((p) => p.type)])].sort();
  const result = await deps.sdk.RecordProcessingActivity({
    activity: {
      controllerId: row.controller_id,
      dataSubjectId: subjectId,
      dataProcessorId: row.data_processor_id,
      intakeId: row.id,
      purposeId: purpose?.id ?? null,
      eventType: row.event_type,
      piiFieldTypes: fieldTypes,
      legalBasis: basis.data,
      purpose: policy.purpose ?? purpose?.slug ?? null,
      triggeredAt: seenAt.toISOString(),
      dedupKey: dedupKeyFor(row),
    },
    intakeId: row.id,
    processedAt: deps.now().toISOString(),
    subjectIds: subjectId ? [subjectId] : [],
    seenAt: seenAt.toISOString(),
  });
  return {
    outcome: "recorded",
    activityId: result.insertDataProcessingActivity?.id ?? null,
    dataSubjectId: subjectId,
    createdSubject: resolved.kind === "resolved" && resolved.created,
  };
}
