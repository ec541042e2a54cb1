/**
 * Integration URL tokens: compact JWE (RFC 7516) carrying the controller's DID,
 * its DX key and the data processor id. A platform is given a URL holding the
 * token; conduit decrypts it with a key from the environment.
 *
 * `alg: "dir"` + `enc: "A256GCM"` for new tokens (shortest token, integrations
 * spec §2.3); `A256KW` tokens are accepted too. Both allow-lists are always
 * passed to jose so a token cannot pick a weaker algorithm. A `kid` header names
 * the key so keys rotate without breaking tokens registered at platforms. jose 5
 * is used because it is CommonJS (jose 6 is ESM-only).
 */
import { CompactEncrypt, compactDecrypt, decodeProtectedHeader } from "jose";
import { z } from "zod";
import type { SecretKeyRing } from "./secret-box";

export const IntegrationTokenClaimsSchema = z.object({
  did: z.string().min(1).max(512),
  dxKey: z.string().min(1).max(512),
  /** data_processors.id the token was issued for; absent on controller-wide tokens. */
  dpid: z.string().uuid().optional(),
});
export type IntegrationTokenClaims = z.infer<typeof IntegrationTokenClaimsSchema>;

const KEY_MANAGEMENT = ["dir", "A256KW"];
const CONTENT_ENCRYPTION = ["A256GCM"];

/** Why a token was refused; the route answers 401 for each. */
export type TokenResult =
  | { ok: true; claims: IntegrationTokenClaims; kid: string | undefined }
  | { ok: false; reason: "malformed_token" | "unknown_key" | "decryption_failed" | "invalid_claims" };

/** Issues a compact JWE (`dir`/`A256GCM`) under the ring's current key. */
export async function issueIntegrationToken(claims: IntegrationTokenClaims, ring: SecretKeyRing): Promise<string> {
  const parsed = IntegrationTokenClaimsSchema.parse(claims);
  const key = ring.keys.get(ring.currentKid);
  if (!key) throw new Error(`[common/crypto] current key "${ring.currentKid}" missing from the ring`);
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(parsed)))
    .setProtectedHeader({ alg: "dir", enc: "A256GCM", kid: ring.currentKid })
    .encrypt(key);
}

/**
 * Decrypts and validates a token. Tokens without a `kid` are tried with every
 * key of the ring (older tokens and the spec's test vectors carry none).
 * Expected failures come back as values; nothing here throws on bad input.
 */
export async function decryptIntegrationToken(token: string, ring: SecretKeyRing): Promise<TokenResult> {
  if (token.length > 4096 || !/^[A-Za-z0-9_-]*(\.[A-Za-z0-9_-]*){4}$/.test(token)) return { ok: false, reason: "malformed_token" };
  let kid: string | undefined;
  try {
    const header = decodeProtectedHeader(token);
    kid = typeof header.kid === "string" ? header.kid : undefined;
  } catch {
    return { ok: false, reason: "malformed_token" };
  }
  const candidates: Uint8Array[] = [];
  if (kid !== undefined) {
    const key = ring.keys.get(kid);
    if (!key) return { ok: false, reason: "unknown_key" };
    candidates.push(key);
  } else {
    candidates.push(...ring.keys.values());
  }
  for (const key of candidates) {
    let plaintext: Uint8Array;
    try {
      ({ plaintext } = await compactDecrypt(token, key, {
        keyManagementAlgorithms: KEY_MANAGEMENT,
        contentEncryptionAlgorithms: CONTENT_ENCRYPTION,
      }));
    } catch {
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(plaintext));
    } catch {
      return { ok: false, reason: "invalid_claims" };
    }
    const claims = IntegrationTokenClaimsSchema.safeParse(json);
    return claims.success ? { ok: true, claims: claims.data, kid } : { ok: false, reason: "invalid_claims" };
  }
  return { ok: false, reason: "decryption_failed" };
}
