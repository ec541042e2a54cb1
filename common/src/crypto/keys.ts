/**
 * Symmetric keys kept as base64url text in the environment or a secret store.
 */
import { randomBytes } from "node:crypto";

/** Length in bytes of every AES-256 / HMAC key this module handles. */
export const KEY_BYTES = 32;

/** Thrown when key material from configuration is unusable; never holds the key. */
export class KeyFormatError extends Error {
  constructor(message: string) {
    super(`[common/crypto] ${message}`);
    this.name = "KeyFormatError";
  }
}

/**
 * Decodes a 256-bit key from base64url (or standard base64) text.
 * @throws KeyFormatError when the text is not exactly 32 bytes of base64.
 */
export function decodeKey(text: string, label = "key"): Buffer {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) throw new KeyFormatError(`${label} is not base64url text`);
  const bytes = Buffer.from(trimmed.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  if (bytes.length !== KEY_BYTES) throw new KeyFormatError(`${label} must decode to ${KEY_BYTES} bytes, got ${bytes.length}`);
  return bytes;
}

/** A fresh random 256-bit key as base64url text. */
export function generateKeyText(): string {
  return randomBytes(KEY_BYTES).toString("base64url");
}

/**
 * A random opaque secret with a readable prefix, e.g. `dx_` + 43 base64url
 * characters (256 bits of entropy).
 */
export function generateSecretToken(prefix: string): string {
  return `${prefix}${randomBytes(KEY_BYTES).toString("base64url")}`;
}

/**
 * Parses a key ring from configuration text: `kid1:<base64url>,kid2:<base64url>`
 * (the first entry is current), or a single bare base64url key (id "k1").
 * @throws KeyFormatError naming the bad entry by id, never its value.
 */
export function parseKeyRing(text: string, label = "key ring"): { currentKid: string; keys: Map<string, Buffer> } {
  const entries = text.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
  if (entries.length === 0) throw new KeyFormatError(`${label} is empty`);
  const keys = new Map<string, Buffer>();
  let currentKid: string | undefined;
  for (const entry of entries) {
    const colon = entry.indexOf(":");
    const kid = colon === -1 ? "k1" : entry.slice(0, colon);
    const material = colon === -1 ? entry : entry.slice(colon + 1);
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(kid)) throw new KeyFormatError(`${label}: key id "${kid.slice(0, 32)}" is not base64url-safe`);
    if (keys.has(kid)) throw new KeyFormatError(`${label}: key id "${kid}" appears twice`);
    keys.set(kid, decodeKey(material, `${label} "${kid}"`));
    currentKid ??= kid;
  }
  return { currentKid: currentKid as string, keys };
}
