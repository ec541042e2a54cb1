/**
 * Test data written straight to Postgres (the state other parts would have
 * produced): organizations, integrations, intake rows shaped as conduit
 * stores them. Identifiers are hashed with the real keyed hash.
 */
import { randomUUID } from "node:crypto";
import { deriveControllerKey, hashIdentifier, parsePiiMasterKeys, type PiiType } from "../../../common/src/pii";
import type { Stack } from "./stack";

export const PII_KEYS = parsePiiMasterKeys(`1:${Buffer.alloc(32, 7).toString("base64url")}`);

export function hashFor(controllerId: string, type: PiiType, canonical: string): string {
  return hashIdentifier(deriveControllerKey(PII_KEYS, controllerId), type, canonical);
}

export async function insertController(stack: Stack, options: { settings?: Record<string, unknown>; title?: string } = {}): Promise<string> {
  const id = randomUUID();
  await stack.query(
    `insert into public.data_controllers (id, title, did, dx_key_hash, webhook_secret_encrypted, plan, trial_expires_at, settings)
     values ($1, $2, $3, $4, 'gcm1.test.x.y.z', 'business', null, $5)`,
    [id, options.title ?? "Test Shop", `did:web:${id}.example`, "a".repeat(64), JSON.stringify(options.settings ?? {})],
  );
  return id;
}

export async function insertPurpose(stack: Stack, controllerId: string, slug: string, legalBasis: string, extra: { retentionDays?: number | null; status?: string } = {}): Promise<string> {
  const id = randomUUID();
  await stack.query(
    `insert into public.purposes (id, controller_id, slug, name, legal_basis, legitimate_interest, retention_days, status)
     values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [id, controllerId, slug, slug, legalBasis, legalBasis === "legitimate_interests" ? "running the service" : null, extra.retentionDays === undefined ? 365 : extra.retentionDays, extra.status ?? "active"],
  );
  return id;
}

export async function insertProcessor(stack: Stack, controllerId: string, service: string, config: Record<string, unknown>): Promise<string> {
  const id = randomUUID();
  await stack.query(
    `insert into public.data_processors (id, controller_id, service, name, status, config) values ($1, $2, $3, $4, 'active', $5)`,
    [id, controllerId, service, `${service} integration`, JSON.stringify(config)],
  );
  return id;
}

export interface IntakeInput {
  controllerId: string;
  processorId: string | null;
  service: string;
  eventType: string;
  platformEventId?: string | null;
  pii: { type: PiiType; value: string; path?: string }[];
  fieldTypes?: string[];
  triggeredAt?: string;
}

/** Inserts an intake row as conduit would (hashes only); returns its id. */
export async function insertIntake(stack: Stack, input: IntakeInput): Promise<string> {
  const id = randomUUID();
  const pii = input.pii.map((p) => ({ type: p.type, hash: hashFor(input.controllerId, p.type, p.value), path: p.path ?? `$.${p.type}`, keyVersion: 1 }));
  await stack.query(
    `insert into public.webhook_intake (id, controller_id, data_processor_id, service, event_type, platform_event_id, content_key, pii, field_types, triggered_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [id, input.controllerId, input.processorId, input.service, input.eventType, input.platformEventId ?? null, randomUUID().replace(/-/g, "").padEnd(64, "0"), JSON.stringify(pii),
      input.fieldTypes ?? [...new Set(input.pii.map((p) => p.type))], input.triggeredAt ?? "2026-03-01T09:00:00.000Z"],
  );
  return id;
}

export async function insertUser(stack: Stack, email: string, options: { displayName?: string | null; emailVerified?: boolean } = {}): Promise<string> {
  const id = randomUUID();
  await stack.query("insert into auth.users (id, email, display_name, email_verified) values ($1, $2, $3, $4)", [
    id,
    email,
    options.displayName === undefined ? null : options.displayName,
    options.emailVerified ?? false,
  ]);
  return id;
}

/**
 * Runs `sql` in a transaction whose Hasura session is `variables`, the way the
 * API sets it (`hasura.user`), so the event trigger records them as the
 * payload's session_variables.
 */
export async function asSession(stack: Stack, variables: Record<string, string>, sql: string, values: unknown[]): Promise<void> {
  const client = await stack.pool.connect();
  try {
    await client.query("begin");
    await client.query("select set_config('hasura.user', $1, true)", [JSON.stringify(variables)]);
    await client.query(sql, values);
    await client.query("commit");
  } catch (err: unknown) {
    await client.query("rollback");
    throw err;
  } finally {
    client.release();
  }
}
