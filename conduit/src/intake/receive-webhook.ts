/**
 * The intake use case (ARCHITECTURE.md data flow 1), framework-free:
 * authenticate → handshake → platform signature over the raw bytes → zod →
 * PII extraction and keyed hashing → de-duplication → one durable write →
 * outcome. Nothing is acknowledged before the write has committed: a failed
 * write throws, the route answers 500 and the platform retries.
 */
import type { SecretKeyRing } from "../../../common/src/crypto";
import { AuthError, NotFoundError } from "../../../common/src/errors";
import type { PiiMasterKeys } from "../../../common/src/pii";
import { authenticate, type AuthInput } from "../auth/authenticate";
import { INTEGRATIONS } from "../integrations";
import type { Delivery, RawRequest, ServiceName, SuccessResponse } from "../integrations/types";
import type { IntakeStore } from "../store/types";
import { buildRows, type BuiltRow } from "./build-rows";
import { gdprDueDate } from "./due-date";
import { processorChecks, processorSecrets } from "./processor-settings";

export interface IntakeDeps {
  store: IntakeStore;
  jweKeys: SecretKeyRing;
  secretKeys: SecretKeyRing;
  piiKeys: PiiMasterKeys;
  defaultRegion: string;
  dedupWindowSeconds: number;
  now: () => Date;
}

export interface ReceiveInput extends AuthInput {
  request: RawRequest;
}

export type IntakeOutcome =
  | { kind: "handshake"; service: ServiceName; note: string; response?: SuccessResponse }
  | {
      kind: "stored";
      service: ServiceName;
      received: number;
      stored: number;
      duplicates: number;
      rightsRequests: number;
      fieldTypes: string[];
      response?: SuccessResponse;
    };

/** Thrown for a bad signature, with the reason for the log line. */
export class SignatureError extends AuthError {
  constructor(readonly reason: string) {
    super("Signature verification failed");
  }
}

export async function receiveWebhook(input: ReceiveInput, deps: IntakeDeps): Promise<IntakeOutcome> {
  const integration = INTEGRATIONS[input.service];
  const { controller, processor } = await authenticate(input, deps);
  const now = deps.now();
  const checks = processorChecks(processor);

  if (input.request.method === "GET" || input.request.method === "HEAD") {
    if (!integration.handshakeMethods?.includes(input.request.method)) throw new NotFoundError("No such route");
    return { kind: "handshake", service: input.service, note: `${input.request.method} url check` };
  }

  const verification = integration.verify(input.request, { secrets: processorSecrets(processor, deps.secretKeys), now, config: checks });
  if (!verification.ok) throw new SignatureError(verification.reason);

  const delivery: Delivery = integration.parse(input.request, {
    checks,
    custom: { eventDefinitions: processor.eventDefinitions, fieldMappings: processor.fieldMappings },
  });
  if (delivery.kind === "handshake") {
    return { kind: "handshake", service: input.service, note: delivery.note, response: integration.successResponse?.(delivery) };
  }

  const built = buildRows(
    { controllerId: controller.id, processorId: processor.id, service: input.service, events: delivery.events, receivedAt: now, defaultRegion: checks.defaultRegion ?? deps.defaultRegion },
    deps.piiKeys,
  );
  const result = await storeRows(built, controller.id, processor.id, input.service, deps, now);
  return {
    kind: "stored",
    service: input.service,
    received: built.length,
    ...result,
    fieldTypes: [...new Set(built.flatMap((b) => b.row.fieldTypes))].sort(),
    response: integration.successResponse?.(delivery),
  };
}

/** De-duplicates and writes; shared by webhooks and customer-redact calls. */
export async function storeRows(
  built: readonly BuiltRow[],
  controllerId: string,
  processorId: string,
  service: ServiceName | "sabre-synxis",
  deps: Pick<IntakeDeps, "store" | "dedupWindowSeconds">,
  now: Date,
): Promise<{ stored: number; duplicates: number; rightsRequests: number }> {
  // Window de-duplication: same controller, processor, event type and PII values
  // within DEDUP_WINDOW_SECONDS. Rows without PII carry no content to compare.
  // Repeats inside this delivery are dropped here; repeats of earlier deliveries
  // are skipped by the insert itself (the window travels on the row, see
  // migration 1795460050000), so there is no read before the write and no race
  // between two deliveries of the same content.
  const window = deps.dedupWindowSeconds > 0 ? deps.dedupWindowSeconds : null;
  const inDelivery = new Set<string>();
  const fresh = built.filter((b) => {
    if (window === null || b.row.pii.length === 0) return true;
    if (inDelivery.has(b.row.contentKey)) return false;
    inDelivery.add(b.row.contentKey);
    return true;
  });
  let stored = 0;
  let rightsRequests = 0;
  const plain = fresh.filter((b) => b.event.rightsRequest === undefined);
  stored += await deps.store.insertIntake(plain.map((b) => ({ ...b.row, dedupWindowSeconds: b.row.pii.length > 0 ? window : null })));
  // A privacy request stores its intake row with the rights request in one
  // transaction; its window is checked by a read first (rare: a few per day).
  const requests = fresh.filter((b) => b.event.rightsRequest !== undefined);
  const seen =
    window === null || requests.length === 0
      ? new Set<string>()
      : await deps.store.recentContentKeys(
          controllerId,
          requests.filter((b) => b.row.pii.length > 0).map((b) => b.row.contentKey),
          new Date(now.getTime() - window * 1000),
        );
  for (const b of requests) {
    if (b.event.rightsRequest === undefined || seen.has(b.row.contentKey)) continue;
    const platformEventKey = `${service}:${b.row.platformEventId ?? b.row.contentKey}`;
    if (await deps.store.rightsRequestExists(controllerId, { platformEventKey })) continue;
    await deps.store.insertRightsRequest(b.row, {
      controllerId,
      requestType: b.event.rightsRequest,
      status: "received",
      source: "integration",
      sourceProcessorId: processorId,
      // The platform authenticated the requester and conduit authenticated the platform.
      verificationMethod: "not_required",
      requesterEmailHash: b.emailHash ?? null,
      requestDetails: {
        platformEventKey,
        service,
        eventType: b.row.eventType,
        identifiers: b.row.pii,
      },
      receivedAt: now.toISOString(),
      dueAt: gdprDueDate(now).toISOString(),
    });
    stored += 1;
    rightsRequests += 1;
  }
  return { stored, duplicates: built.length - stored, rightsRequests };
}

/** The outcome as log fields: counts and field types only, never personal data. */
export function outcomeLogFields(outcome: IntakeOutcome): Record<string, unknown> {
  return outcome.kind === "handshake"
    ? { outcome: "handshake", note: outcome.note }
    : { outcome: "stored", received: outcome.received, stored: outcome.stored, duplicates: outcome.duplicates, rightsRequests: outcome.rightsRequests, fieldTypes: outcome.fieldTypes };
}

