/**
 * A subject's consent for a purpose changed: queue one sync job per
 * integration that holds the subject's data (privacy-domain.md 8.3:
 * propagate to every integration acting on it, record each attempt). An
 * integration holds the subject's data when one of the subject's identifiers
 * was first seen through it. Integrations with a consent API get a pending
 * job (job type `opt_out` for a denied sale/sharing purpose, 11 CCR §7026(f);
 * else `consent_sync`); the others get a `not_applicable` job so the record
 * shows the change reached every integration. Defaults set without a choice
 * (no source record) and updates that did not change `granted` queue nothing.
 * The idempotency key makes a redelivered event queue nothing new.
 */
import type { HandlersSdk } from "../adapters/sdk";
import { isConsentSyncService } from "./config";
import { consentSyncKey } from "./consent-sync-key";

export interface PreferenceChange {
  op: "INSERT" | "UPDATE" | "DELETE" | "MANUAL";
  controllerId: string;
  dataSubjectId: string;
  purposeId: string;
  granted: boolean;
  previousGranted: boolean | null;
  sourceFormValueId: string | null;
}

export type QueueOutcome =
  | { queued: number; notApplicable: number; skipped?: undefined }
  | { queued: 0; notApplicable: 0; skipped: "no_change" | "default_value" | "subject_gone" | "purpose_gone" };

export async function queueConsentSync(
  change: PreferenceChange,
  deps: { sdk: Pick<HandlersSdk, "FindConsentSyncTargets" | "QueueConsentSyncJobs">; now: Date },
): Promise<QueueOutcome> {
  if (change.op === "DELETE") return { queued: 0, notApplicable: 0, skipped: "subject_gone" };
  if (change.previousGranted !== null && change.previousGranted === change.granted) return { queued: 0, notApplicable: 0, skipped: "no_change" };
  if (change.sourceFormValueId === null) return { queued: 0, notApplicable: 0, skipped: "default_value" };
  const { purpose, dataSubject } = await deps.sdk.FindConsentSyncTargets({ purposeId: change.purposeId, subjectId: change.dataSubjectId });
  if (!dataSubject || dataSubject.status === "erased") return { queued: 0, notApplicable: 0, skipped: "subject_gone" };
  if (!purpose) return { queued: 0, notApplicable: 0, skipped: "purpose_gone" };

  const processors = new Map<string, { id: string; service: string; status: string }>();
  for (const link of dataSubject.privacyPreservingLinks) {
    if (link.sourceProcessor && link.sourceProcessor.status === "active") processors.set(link.sourceProcessor.id, link.sourceProcessor);
  }
  const jobType = purpose.isSaleOrSharing && !change.granted ? "opt_out" : "consent_sync";
  const jobs = [...processors.values()]
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((processor) => {
      const base = {
        controllerId: change.controllerId,
        dataProcessorId: processor.id,
        dataSubjectId: change.dataSubjectId,
        jobType,
        idempotencyKey: consentSyncKey({ purposeId: purpose.id, changeId: change.sourceFormValueId as string, processorId: processor.id }),
        nextAttemptAt: deps.now.toISOString(),
      };
      return isConsentSyncService(processor.service)
        ? { ...base, status: "pending" }
        : { ...base, status: "not_applicable", lastError: `${processor.service} has no consent API`, completedAt: deps.now.toISOString() };
    });
  if (jobs.length > 0) await deps.sdk.QueueConsentSyncJobs({ jobs });
  const pending = jobs.filter((j) => j.status === "pending").length;
  return { queued: pending, notApplicable: jobs.length - pending };
}
