/**
 * From platform events to intake rows: hash every PII value with the
 * controller's key (raw values dropped here), compute the content key for the
 * de-duplication window, and shape the GraphQL input.
 */
import { createHmac } from "node:crypto";
import { deriveControllerKey, hashPiiFields, type ControllerHashKey, type PiiMasterKeys } from "../../../common/src/pii";
import type { PlatformEvent, ServiceName } from "../integrations/types";
import type { IntakeRow } from "../store/types";

/**
 * Keyed hash of controller + processor + event type + sorted PII hashes, hex.
 * Keyed with the controller's PII key so it reveals nothing on its own.
 */
export function contentKey(key: ControllerHashKey, controllerId: string, processorId: string | null, eventType: string, hashes: readonly string[]): string {
  const sorted = [...hashes].sort();
  return createHmac("sha256", key.key)
    .update(JSON.stringify(["content-key/v1", controllerId, processorId ?? "", eventType, sorted]))
    .digest("hex");
}

export interface BuildInput {
  controllerId: string;
  processorId: string | null;
  /** A webhook service, or `sabre-synxis` for the poller. */
  service: ServiceName | "sabre-synxis";
  events: readonly PlatformEvent[];
  receivedAt: Date;
  defaultRegion: string;
}

export interface BuiltRow {
  row: IntakeRow;
  event: PlatformEvent;
  /** Hash of an e-mail in the event, for rights requests. */
  emailHash: string | undefined;
}

export function buildRows(input: BuildInput, masterKeys: PiiMasterKeys): BuiltRow[] {
  const key = deriveControllerKey(masterKeys, input.controllerId);
  return input.events.map((event) => {
    const hashed = hashPiiFields(event.pii, key, { defaultRegion: input.defaultRegion });
    const pii = hashed.fields.map((f) => ({ type: f.type, hash: f.hash, path: f.path, keyVersion: f.keyVersion }));
    const fieldTypes = [...new Set(pii.map((p) => p.type))].sort();
    const triggeredAt = event.triggeredAt && !Number.isNaN(event.triggeredAt.getTime()) ? event.triggeredAt : input.receivedAt;
    return {
      event,
      emailHash: pii.find((p) => p.type === "email")?.hash,
      row: {
        controllerId: input.controllerId,
        dataProcessorId: input.processorId,
        service: input.service,
        eventType: event.eventType,
        platformEventId: event.platformEventId ?? null,
        contentKey: contentKey(key, input.controllerId, input.processorId, event.eventType, pii.map((p) => `${p.type}:${p.hash}`)),
        pii,
        fieldTypes,
        triggeredAt: triggeredAt.toISOString(),
        receivedAt: input.receivedAt.toISOString(),
      },
    };
  });
}
