/**
 * Constant-time comparison helpers.
 *
 * Node's timingSafeEqual throws on a length mismatch, so fixed-size digests are
 * length-checked first (a digest's length is not secret) and variable-length
 * secrets are hashed to 32 bytes before comparing, so their length leaks nothing
 * either (integrations spec §2.2).
 */
import { createHash, timingSafeEqual } from "node:crypto";

/** True when the two byte strings are equal; constant time for equal lengths. */
export function safeEqualBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}

function sha256(value: string | Uint8Array): Buffer {
  return createHash("sha256").update(value).digest();
}

/**
 * Compares two variable-length secrets (API keys, webhook secrets, channel
 * tokens) by their SHA-256 digests, so neither content nor length leaks through
 * timing. An empty `given` never matches.
 */
export function safeEqualSecret(given: string | Uint8Array, expected: string | Uint8Array): boolean {
  if (given.length === 0) return false;
  return timingSafeEqual(sha256(given), sha256(expected));
}

/**
 * Compares a received secret with a stored SHA-256 hex digest of it (how DX
 * keys and API keys are kept). Malformed stored digests never match.
 */
export function safeEqualHashHex(given: string, storedSha256Hex: string): boolean {
  if (given.length === 0 || !/^[0-9a-f]{64}$/i.test(storedSha256Hex)) return false;
  return timingSafeEqual(sha256(given), Buffer.from(storedSha256Hex, "hex"));
}

/**
 * Decodes `encoded` (base64 or hex text as a platform sends it) and compares it
 * with `expected` bytes in constant time. Undecodable input never matches.
 */
export function safeEqualEncoded(encoded: string, expected: Uint8Array, encoding: "base64" | "hex"): boolean {
  const pattern = encoding === "hex" ? /^[0-9a-fA-F]+$/ : /^[A-Za-z0-9+/]+={0,2}$/;
  const trimmed = encoded.trim();
  if (!pattern.test(trimmed)) return false;
  return safeEqualBytes(Buffer.from(trimmed, encoding), expected);
}
