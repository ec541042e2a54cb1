/**
 * E-mail verification tokens: a compact JWE (dir + A256GCM, jose) holding the
 * user id, a SHA-256 of the lower-cased address (so the token dies when the
 * address changes) and an expiry. The key is derived with HKDF-SHA-256 from
 * the current SECRETS_ENCRYPTION_KEYS key under its own label, so it is never
 * the key that encrypts secrets at rest (key separation, NIST SP 800-108).
 * Nothing is stored: the token proves itself; whoever confirms the address
 * calls verifyEmailVerificationToken.
 */
import { createHash, hkdfSync } from "node:crypto";
import { CompactEncrypt, compactDecrypt, decodeProtectedHeader } from "jose";
import { z } from "zod";
import type { SecretKeyRing } from "../../../common/src/crypto";

const LABEL = "privacy-platform/handlers/email-verification";
export const EMAIL_VERIFICATION_TTL_HOURS = 48;

const ClaimsSchema = z.object({ sub: z.string().uuid(), eml: z.string().regex(/^[0-9a-f]{64}$/), exp: z.number().int(), pur: z.literal("email_verification") });

function derivedKey(ring: SecretKeyRing, kid: string): Uint8Array {
  const key = ring.keys.get(kid);
  if (!key) throw new Error(`[handlers/tokens] no key "${kid}" in the ring`);
  return new Uint8Array(hkdfSync("sha256", key, Buffer.alloc(0), Buffer.from(LABEL, "utf8"), 32));
}

function emailDigest(email: string): string {
  return createHash("sha256").update(email.trim().toLowerCase(), "utf8").digest("hex");
}

export async function issueEmailVerificationToken(input: { userId: string; email: string; now: Date }, ring: SecretKeyRing): Promise<string> {
  const claims = { sub: input.userId, eml: emailDigest(input.email), exp: Math.floor(input.now.getTime() / 1000) + EMAIL_VERIFICATION_TTL_HOURS * 3600, pur: "email_verification" as const };
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg: "dir", enc: "A256GCM", kid: ring.currentKid })
    .encrypt(derivedKey(ring, ring.currentKid));
}

export type VerificationResult = { ok: true; userId: string } | { ok: false; reason: "invalid_token" | "expired" | "address_changed" };

/** Checks a token against the account's current address; expected failures are values. */
export async function verifyEmailVerificationToken(token: string, input: { email: string; now: Date }, ring: SecretKeyRing): Promise<VerificationResult> {
  try {
    const header = decodeProtectedHeader(token);
    if (typeof header.kid !== "string" || !ring.keys.has(header.kid)) return { ok: false, reason: "invalid_token" };
    const { plaintext } = await compactDecrypt(token, derivedKey(ring, header.kid), { keyManagementAlgorithms: ["dir"], contentEncryptionAlgorithms: ["A256GCM"] });
    const claims = ClaimsSchema.safeParse(JSON.parse(new TextDecoder().decode(plaintext)));
    if (!claims.success) return { ok: false, reason: "invalid_token" };
    if (claims.data.exp * 1000 <= input.now.getTime()) return { ok: false, reason: "expired" };
    if (claims.data.eml !== emailDigest(input.email)) return { ok: false, reason: "address_changed" };
    return { ok: true, userId: claims.data.sub };
  } catch {
    return { ok: false, reason: "invalid_token" };
  }
}
