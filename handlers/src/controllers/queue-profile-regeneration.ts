/**
 * queueProfileRegeneration (data_controller_details_update): the public
 * profile changed, so everything generated from it is stale: the privacy
 * notice, cookie policy and record of processing name the controller, its DPO
 * and contact (GDPR Art. 13(1)(a)-(b), 30(1)(a); privacy-domain.md 9), and the
 * purposes derived from the profile's regime and industry may change. This
 * moves profile_version to old + 1 and queues one `regenerate_documents` and
 * one `regenerate_purposes` job (scheduled_events, due now, payload
 * {profileVersion}) for process_scheduled_events to run. Jobs already queued
 * for that version are not queued again; two quick edits share one version,
 * which is fine since the jobs read the profile when they run.
 */
import type { HandlersSdk } from "../adapters/sdk";

export interface QueueRegenerationDeps {
  sdk: Pick<HandlersSdk, "FindProfileRegeneration" | "QueueProfileRegeneration">;
  now: () => Date;
}

export type QueueRegenerationResult = { outcome: "queued"; profileVersion: number; jobs: string[]; versionBumped: boolean };

const JOBS = ["regenerate_documents", "regenerate_purposes"] as const;

export async function queueProfileRegeneration(
  input: { detailsId: string; controllerId: string; oldVersion: number; changedFields: string[] },
  deps: QueueRegenerationDeps,
): Promise<QueueRegenerationResult> {
  const version = input.oldVersion + 1;
  const marker = { profileVersion: version };
  const queued = new Set((await deps.sdk.FindProfileRegeneration({ controllerId: input.controllerId, marker })).scheduledEvents.map((e) => e.reference));
  const now = deps.now().toISOString();
  const jobs = JOBS.filter((j) => !queued.has(j)).map((reference) => ({
    controllerId: input.controllerId,
    ownerId: input.controllerId,
    ownerType: "data_controller",
    title: reference === "regenerate_documents" ? "Regenerate privacy documents after a profile change" : "Review purposes after a profile change",
    reference,
    payload: { ...marker, changedFields: input.changedFields },
    frequencyType: "once",
    nextEventAt: now,
  }));
  const result = await deps.sdk.QueueProfileRegeneration({ detailsId: input.detailsId, version, jobs, withJobs: jobs.length > 0 });
  return { outcome: "queued", profileVersion: version, jobs: jobs.map((j) => j.reference), versionBumped: (result.updateDataControllerDetails?.affected_rows ?? 0) > 0 };
}
