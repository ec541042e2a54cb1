/**
 * Consent subject tokens: how a consent widget names a known data subject
 * without a raw e-mail in a URL (issue 7). A compact JWS (HS256, jose) holding
 * the subject id, the controller id and an expiry, signed with a key derived
 * by HKDF-SHA-256 from SECRETS_ENCRYPTION_KEYS under its own label (key
 * separation, NIST SP 800-108), so it is never the key that encrypts secrets
 * at rest. The token carries no personal data beyond the pseudonymous subject
 * id; handlers issue it (e.g. into preference-centre links of e-mails) and the
 * consent actions verify it. Expected failures are values.
 */
import { hkdfSync } from "node:crypto";
import { decodeProtectedHeader, jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import type { SecretKeyRing } from "../../../common/src/crypto";

const LABEL = "privacy-platform/handlers/consent-subject-token";
const PURPOSE = "consent_subject";
/** Default lifetime: a preference-centre link stays usable for 90 days. */
export const CONSENT_TOKEN_TTL_DAYS = 90;

const ClaimsSchema = z.object({ sub: z.string().uuid(), ctl: z.string().uuid(), pur: z.literal(PURPOSE), exp: z.number().int() });

function derivedKey(ring: SecretKeyRing, kid: string): Uint8Array {
  const key = ring.keys.get(kid);
  if (!key) throw new Error(`[handlers/consent] no key "${kid}" in the ring`);
  return new Uint8Array(hkdfSync("sha256", key, Buffer.alloc(0), Buffer.from(LABEL, "utf8"), 32));
}

export async function issueConsentSubjectToken(
  input: { controllerId: string; dataSubjectId: string; now: Date; ttlDays?: number },
  ring: SecretKeyRing,
): Promise<string> {
  const exp = Math.floor(input.now.getTime() / 1000) + (input.ttlDays ?? CONSENT_TOKEN_TTL_DAYS) * 86_400;
  return new SignJWT({ ctl: input.controllerId, pur: PURPOSE })
    .setProtectedHeader({ alg: "HS256", kid: ring.currentKid })
    .setSubject(input.dataSubjectId)
    .setExpirationTime(exp)
    .sign(derivedKey(ring, ring.currentKid));
}

export type SubjectTokenResult = { ok: true; dataSubjectId: string } | { ok: false; reason: "invalid_token" | "expired" | "wrong_controller" };

/** Verifies a token for `controllerId` at `now` (every key of the ring is accepted, for rotation). */
export async function verifyConsentSubjectToken(token: string, input: { controllerId: string; now: Date }, ring: SecretKeyRing): Promise<SubjectTokenResult> {
  try {
    const header = decodeProtectedHeader(token);
    if (header.alg !== "HS256" || typeof header.kid !== "string" || !ring.keys.has(header.kid)) return { ok: false, reason: "invalid_token" };
    // Expiry is checked below against the injected clock, not jose's own.
    const { payload } = await jwtVerify(token, derivedKey(ring, header.kid), { algorithms: ["HS256"], currentDate: new Date(0) });
    const claims = ClaimsSchema.safeParse(payload);
    if (!claims.success) return { ok: false, reason: "invalid_token" };
    if (claims.data.exp * 1000 <= input.now.getTime()) return { ok: false, reason: "expired" };
    if (claims.data.ctl !== input.controllerId) return { ok: false, reason: "wrong_controller" };
    return { ok: true, dataSubjectId: claims.data.sub };
  } catch {
    return { ok: false, reason: "invalid_token" };
  }
}
