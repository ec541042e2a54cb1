/**
 * Keyed hashing of personal data (privacy-domain spec §12.2):
 * HMAC-SHA-256(controller key, `type:canonical value`), full 256-bit hex output,
 * with the key version stored beside every hash.
 *
 * Per-controller keys are derived with HKDF-SHA-256 (RFC 5869) from a master key
 * held in the environment, never in the database: the pseudonymisation domain is
 * the controller, so the same person is unlinkable across controllers
 * (EDPB 01/2025), and rotating the master key changes the version.
 */
import { createHmac, hkdfSync } from "node:crypto";
import { canonicalize, type CanonicalOptions } from "./normalize";
import type { PiiType, RawPiiField } from "./taxonomy";

declare const hashedBrand: unique symbol;
/** A keyed hash of an identifier; never confuse it with a raw value. */
export type HashedIdentifier = string & { readonly [hashedBrand]: true };

/** A per-controller HMAC key with its version. */
export interface ControllerHashKey {
  version: number;
  key: Uint8Array;
}

/** Master keys by version; `current` is used for new hashes. */
export interface PiiMasterKeys {
  current: number;
  keys: ReadonlyMap<number, Uint8Array>;
}

/**
 * Derives the controller's hashing key for `version` (current by default).
 * @throws Error when the version is not configured (a deployment mistake).
 */
export function deriveControllerKey(master: PiiMasterKeys, controllerId: string, version = master.current): ControllerHashKey {
  // HKDF on every event is measurable under load; derived keys are memoised per
  // master-key object (bounded, oldest dropped first).
  let memo = DERIVED.get(master);
  if (!memo) {
    memo = new Map();
    DERIVED.set(master, memo);
  }
  const id = `${version}:${controllerId}`;
  const hit = memo.get(id);
  if (hit) return hit;
  const ikm = master.keys.get(version);
  if (!ikm) throw new Error(`[common/pii] no master key for version ${version}`);
  const key = hkdfSync("sha256", ikm, Buffer.from("privacy-platform/pii-linkage", "utf8"), Buffer.from(`controller:${controllerId}`, "utf8"), 32);
  const derived: ControllerHashKey = { version, key: new Uint8Array(key) };
  if (memo.size >= MAX_DERIVED) memo.delete(memo.keys().next().value as string);
  memo.set(id, derived);
  return derived;
}

const MAX_DERIVED = 10_000;
const DERIVED = new WeakMap<PiiMasterKeys, Map<string, ControllerHashKey>>();

/** HMAC-SHA-256(key, `type:canonical`) as lowercase hex (§12.2). */
export function hashIdentifier(key: ControllerHashKey, type: PiiType, canonical: string): HashedIdentifier {
  return createHmac("sha256", key.key).update(`${type}:${canonical}`, "utf8").digest("hex") as HashedIdentifier;
}

/** What goes on after hashing: type, hash, source path and key version. */
export interface HashedPiiField {
  type: PiiType;
  hash: HashedIdentifier;
  path: string;
  keyVersion: number;
}

/** Result of hashing a payload's fields: hashed ones plus paths that were rejected as invalid. */
export interface HashedPii {
  fields: HashedPiiField[];
  /** Fields dropped because they were not valid values of their type (e.g. an invalid phone). */
  rejected: { type: PiiType; path: string }[];
}

/**
 * Canonicalises and hashes every raw field, dropping duplicates (same type and
 * hash) and invalid values. The raw values are not kept in the result.
 */
export function hashPiiFields(raw: readonly RawPiiField[], key: ControllerHashKey, options: CanonicalOptions = {}): HashedPii {
  const fields: HashedPiiField[] = [];
  const rejected: { type: PiiType; path: string }[] = [];
  const seen = new Set<string>();
  for (const field of raw) {
    const canonical = canonicalize(field.type, field.value, options);
    if (canonical === undefined) {
      rejected.push({ type: field.type, path: field.path });
      continue;
    }
    const hash = hashIdentifier(key, field.type, canonical);
    const id = `${field.type}:${hash}`;
    if (seen.has(id)) continue;
    seen.add(id);
    fields.push({ type: field.type, hash, path: field.path, keyVersion: key.version });
  }
  return { fields, rejected };
}

/**
 * Parses `PII_HASH_KEYS` text: `2:<base64url>,1:<base64url>` (first is current)
 * or one bare key (version 1). Keys must be 32 bytes.
 */
export function parsePiiMasterKeys(text: string): PiiMasterKeys {
  const keys = new Map<number, Uint8Array>();
  let current: number | undefined;
  for (const entry of text.split(",").map((s) => s.trim()).filter(Boolean)) {
    const colon = entry.indexOf(":");
    const version = colon === -1 ? 1 : Number(entry.slice(0, colon));
    const material = colon === -1 ? entry : entry.slice(colon + 1);
    if (!Number.isInteger(version) || version < 1) throw new Error("[common/pii] PII key versions must be positive integers");
    const bytes = Buffer.from(material.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    if (bytes.length !== 32) throw new Error(`[common/pii] PII key version ${version} must be 32 bytes`);
    if (keys.has(version)) throw new Error(`[common/pii] PII key version ${version} appears twice`);
    keys.set(version, new Uint8Array(bytes));
    current ??= version;
  }
  if (current === undefined) throw new Error("[common/pii] no PII hashing key configured");
  return { current, keys };
}
