/**
 * The small verified core shared by every integration module: HMACs over raw
 * bytes, constant-time comparison against one or several received signatures
 * and several secrets (rotation), timestamp windows checked both ways against an
 * injected clock, and zod parsing that reports paths, never values.
 */
import { createHash, createHmac } from "node:crypto";
import type { z } from "zod";
import { safeEqualBytes, safeEqualEncoded } from "../../../common/src/crypto";
import { ValidationError } from "../../../common/src/errors";
import type { Verification } from "./types";

export function hmac(algorithm: "sha256" | "sha1", key: string | Buffer, ...parts: (string | Buffer)[]): Buffer {
  const h = createHmac(algorithm, key);
  for (const part of parts) h.update(part);
  return h.digest();
}

export function sha256(...parts: (string | Buffer)[]): Buffer {
  const h = createHash("sha256");
  for (const part of parts) h.update(part);
  return h.digest();
}

/**
 * True when any received signature equals the digest computed with any secret.
 * Every pair is compared (no early exit on the secret loop's content).
 */
export function anySignatureMatches(
  received: readonly string[],
  secrets: readonly string[],
  compute: (secret: string) => Buffer,
  encoding: "base64" | "hex",
): boolean {
  let matched = false;
  for (const secret of secrets) {
    const expected = compute(secret);
    for (const candidate of received) if (safeEqualEncoded(candidate, expected, encoding)) matched = true;
  }
  return matched;
}

/** Single received value against every secret. */
export function verifyDigest(
  header: string | undefined,
  secrets: readonly string[],
  compute: (secret: string) => Buffer,
  encoding: "base64" | "hex",
): Verification {
  if (!header || header.trim() === "") return { ok: false, reason: "missing_signature" };
  return anySignatureMatches([header], secrets, compute, encoding) ? { ok: true } : { ok: false, reason: "bad_signature" };
}

/**
 * Checks a timestamp in seconds against `now`, both ways: a request too old or
 * too far in the future fails. A tolerance of 0 or less is a configuration bug,
 * never "skip" (STYLE.md §3, cf. stripe-node's TODO).
 */
export function checkTimestamp(timestampSeconds: number, now: Date, toleranceSeconds: number): Verification {
  if (!(toleranceSeconds > 0)) throw new Error("[conduit/integrations] timestamp tolerance must be positive");
  if (!Number.isFinite(timestampSeconds)) return { ok: false, reason: "missing_timestamp" };
  const skew = Math.abs(now.getTime() / 1000 - timestampSeconds);
  return skew <= toleranceSeconds ? { ok: true } : { ok: false, reason: "stale_timestamp" };
}

/** Equality of two short ASCII identifiers (org ids, webhook ids) without early exit. */
export function sameIdentifier(a: string, b: string): boolean {
  return safeEqualBytes(sha256(a), sha256(b));
}

/** JSON.parse of the raw body; a syntax error becomes a 400 without echoing the body. */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) throw new ValidationError("Request body is empty", [{ path: "(body)", message: "expected a JSON body" }]);
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    throw new ValidationError("Request body is not valid JSON", [{ path: "(body)", message: "malformed JSON" }]);
  }
}

/** Validates with zod; issues carry paths and zod's message, never the offending values. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.map(String).join(".") : "(root)",
    message: (issue.code === "invalid_type" || issue.code === "invalid_union") && issue.input === undefined ? "is required" : issue.message,
  }));
  const missing = issues.filter((i) => i.message === "is required").map((i) => i.path);
  const message = missing.length > 0 ? `Invalid ${what}: missing ${missing.join(", ")}` : `Invalid ${what}`;
  throw new ValidationError(message, issues);
}

/** A header that must be present once; array-like joined values count as ambiguous. */
export function header(headers: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return value === undefined || value === "" ? undefined : value;
}
