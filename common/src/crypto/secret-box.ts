/**
 * AES-256-GCM encryption of secrets at rest (controller webhook secrets,
 * platform signing secrets), with the key taken from the environment.
 *
 * Format: `gcm1.<kid>.<iv>.<ciphertext>.<tag>`, each part base64url. The key id
 * lets keys rotate: decrypt looks the key up by id. A context string (e.g.
 * "data_processors.signing_secret_encrypted") is bound as additional
 * authenticated data, so a ciphertext copied into another column fails.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { KEY_BYTES } from "./keys";

const PREFIX = "gcm1";
const IV_BYTES = 12; // NIST SP 800-38D recommends 96-bit IVs for GCM
const TAG_BYTES = 16;

/** Keys by id plus the id used for new ciphertexts. */
export interface SecretKeyRing {
  currentKid: string;
  keys: ReadonlyMap<string, Uint8Array>;
}

export class SecretDecryptionError extends Error {
  constructor(message: string) {
    super(`[common/crypto] ${message}`);
    this.name = "SecretDecryptionError";
  }
}

function keyFor(ring: SecretKeyRing, kid: string): Uint8Array {
  const key = ring.keys.get(kid);
  if (!key || key.length !== KEY_BYTES) throw new SecretDecryptionError(`no usable key with id "${kid}"`);
  return key;
}

/** Encrypts `plaintext` under the ring's current key, bound to `context`. */
export function encryptSecret(plaintext: string, ring: SecretKeyRing, context: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(ring.currentKid)) throw new SecretDecryptionError("key id must be base64url-safe");
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", keyFor(ring, ring.currentKid), iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(context, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [PREFIX, ring.currentKid, iv.toString("base64url"), ciphertext.toString("base64url"), tag.toString("base64url")].join(".");
}

/**
 * Decrypts a value made by encryptSecret with the same `context`.
 * @throws SecretDecryptionError on a malformed value, unknown key id, wrong
 * context or any tampering.
 */
export function decryptSecret(value: string, ring: SecretKeyRing, context: string): string {
  const parts = value.split(".");
  if (parts.length !== 5 || parts[0] !== PREFIX) throw new SecretDecryptionError("not an encrypted secret");
  const [, kid, ivText, ctText, tagText] = parts;
  const iv = Buffer.from(ivText, "base64url");
  const tag = Buffer.from(tagText, "base64url");
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SecretDecryptionError("malformed encrypted secret");
  const decipher = createDecipheriv("aes-256-gcm", keyFor(ring, kid), iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(context, "utf8"));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(Buffer.from(ctText, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretDecryptionError("decryption failed (wrong key, wrong context or tampered value)");
  }
}

/** Column contexts, one per encrypted column, so ciphertexts cannot be swapped. */
export const SECRET_CONTEXT = {
  controllerWebhookSecret: "data_controllers.webhook_secret_encrypted",
  processorSigningSecret: "data_processors.signing_secret_encrypted",
} as const;
