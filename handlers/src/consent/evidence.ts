/**
 * The evidence parts of a consent record (privacy-domain.md 8.2; EDPB
 * Guidelines 05/2020 section 5.1): a keyed hash of the client IP (data
 * minimisation: the address itself is never stored), the digest of the exact
 * wording shown, and the per-subject hash chain that makes edits detectable.
 */
import { createHash, createHmac, hkdfSync } from "node:crypto";
import { isIP } from "node:net";
import type { SecretKeyRing } from "../../../common/src/crypto";
import type { ConsentForm } from "./operations";

const IP_LABEL = "privacy-platform/handlers/consent-ip-hash";
const USER_AGENT_MAX = 512;

/**
 * HMAC-SHA-256 of the IP under a key derived per controller (the tenant is the
 * pseudonymisation domain, privacy-domain.md 12.2), hex, prefixed with the key
 * id so a rotated ring can still recompute it.
 */
export function hashIp(ip: string, controllerId: string, ring: SecretKeyRing): string {
  const master = ring.keys.get(ring.currentKid);
  if (!master) throw new Error(`[handlers/consent] no key "${ring.currentKid}" in the ring`);
  const key = Buffer.from(hkdfSync("sha256", master, Buffer.from(controllerId, "utf8"), Buffer.from(IP_LABEL, "utf8"), 32));
  return `${ring.currentKid}:${createHmac("sha256", key).update(`ip:${ip}`, "utf8").digest("hex")}`;
}

/**
 * The client's address as the edge reported it: the first X-Forwarded-For
 * entry (Hasura forwards the client's headers to the action), else X-Real-IP.
 * Anything that is not an IP address is ignored.
 */
export function clientIp(headers: Readonly<Record<string, string>>): string | null {
  const forwarded = headers["x-forwarded-for"]?.split(",")[0]?.trim();
  for (const candidate of [forwarded, headers["x-real-ip"]?.trim()]) {
    if (candidate && isIP(candidate) !== 0) return candidate;
  }
  return null;
}

/** Hasura passes the client's User-Agent as X-Forwarded-User-Agent (hasura-contract.md 3.3). */
export function clientUserAgent(headers: Readonly<Record<string, string>>): string | null {
  const value = headers["x-forwarded-user-agent"] ?? headers["user-agent"];
  return value ? value.slice(0, USER_AGENT_MAX) : null;
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** SHA-256 of the exact wording the form showed: notice text and every category's title, description and required flag. */
export function noticeDigest(form: ConsentForm): string {
  return sha256Hex(
    JSON.stringify({
      notice: form.noticeText ?? "",
      categories: form.categories.map((c) => [c.slug, c.title, c.description ?? "", c.isRequired]),
    }),
  );
}

/** JSON with keys sorted at every level, so the same record always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** record_hash = SHA-256(prev_record_hash ‖ canonical record); the first record chains from "". */
export function recordHash(prev: string | null, record: Record<string, unknown>): string {
  return sha256Hex(`${prev ?? ""}\n${canonicalJson(record)}`);
}
