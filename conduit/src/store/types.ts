/**
 * The narrow data port conduit needs (STYLE.md §1, adapters at the edges). The
 * GraphQL implementation is in graphql-store.ts; nothing else touches data.
 */
import { z } from "zod";

export const ControllerRecordSchema = z.object({
  id: z.string().uuid(),
  did: z.string(),
  dxKeyHash: z.string(),
  webhookSecretEncrypted: z.string().nullable(),
  settings: z.unknown(),
});
export type ControllerRecord = z.infer<typeof ControllerRecordSchema>;

export const ProcessorRecordSchema = z.object({
  id: z.string().uuid(),
  controllerId: z.string().uuid(),
  service: z.string(),
  status: z.string(),
  signingSecretEncrypted: z.string().nullable(),
  apiKeyHash: z.string().nullable(),
  config: z.unknown(),
  eventDefinitions: z.unknown(),
  fieldMappings: z.unknown(),
});
export type ProcessorRecord = z.infer<typeof ProcessorRecordSchema>;

/** One hashed PII entry as stored in webhook_intake.pii. */
export interface StoredPii {
  type: string;
  hash: string;
  path: string;
  keyVersion: number;
}

/** A webhook_intake row to insert (GraphQL input names). */
export interface IntakeRow {
  controllerId: string;
  dataProcessorId: string | null;
  service: string;
  eventType: string;
  platformEventId: string | null;
  contentKey: string;
  pii: StoredPii[];
  fieldTypes: string[];
  triggeredAt: string;
  receivedAt: string;
  /**
   * The content window in seconds: the insert skips this row when a row with the
   * same controller and content key was received within it (NULL/absent: no check).
   */
  dedupWindowSeconds?: number | null;
}

/** A data_subject_rights_requests row to insert (GraphQL input names). */
export interface RightsRequestRow {
  controllerId: string;
  requestType: "deletion" | "access";
  status: "received";
  source: "integration";
  sourceProcessorId: string | null;
  verificationMethod: "not_required";
  requesterEmailHash: string | null;
  requestDetails: Record<string, unknown>;
  receivedAt: string;
  dueAt: string;
}

export interface IntakeStore {
  findControllerByDid(did: string): Promise<ControllerRecord | undefined>;
  findProcessor(id: string): Promise<ProcessorRecord | undefined>;
  findProcessorsByService(controllerId: string, service: string): Promise<ProcessorRecord[]>;
  /**
   * Inserts rows; repeats of a platform event id, and rows whose content key was
   * received within their `dedupWindowSeconds`, store nothing. Resolves with the
   * number of new rows.
   */
  insertIntake(rows: readonly IntakeRow[]): Promise<number>;
  /** Content keys among `keys` seen for the controller since `since`. */
  recentContentKeys(controllerId: string, keys: readonly string[], since: Date): Promise<Set<string>>;
  /** True when a rights request with these details (a containment match) already exists. */
  rightsRequestExists(controllerId: string, details: Record<string, unknown>): Promise<boolean>;
  /** Inserts the intake row and the rights request in one transaction. */
  insertRightsRequest(intake: IntakeRow, request: RightsRequestRow): Promise<void>;
}
