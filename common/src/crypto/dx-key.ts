/**
 * DX keys and API keys: high-entropy random secrets shown once and stored only
 * as a SHA-256 hex digest (a fast hash is right here: the input has 256 bits of
 * entropy, so there is nothing to brute-force, and lookups stay cheap).
 */
import { createHash } from "node:crypto";
import { safeEqualHashHex } from "./compare";
import { generateSecretToken } from "./keys";

/** SHA-256 hex digest of a DX key or API key, as stored in the database. */
export function hashSecretKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** True when `given` hashes to `storedHash`; constant time. */
export function verifySecretKey(given: string, storedHash: string): boolean {
  return safeEqualHashHex(given, storedHash);
}

/** A new DX key (`dx_…`). */
export function generateDxKey(): string {
  return generateSecretToken("dx_");
}

/** A new integration API key (`ck_…`), for custom integrations. */
export function generateApiKey(): string {
  return generateSecretToken("ck_");
}

/** A new controller webhook secret (`whs_…`). */
export function generateWebhookSecret(): string {
  return generateSecretToken("whs_");
}
