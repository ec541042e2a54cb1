/**
 * Request -> session (role + session variables), as Hasura's auth modes work
 * (contract 4.1-4.3; repo: server/src-lib/Hasura/Server/Auth.hs, Auth/JWT.hs).
 * Failures throw HasuraError with Hasura's code, message and status.
 */
import { decodeJwt, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type KeyLike } from "jose";
import { createHash } from "node:crypto";
import { safeEqualHashHex } from "../../../common/src/crypto";
import { HasuraError } from "../errors";
import { ADMIN_ROLE } from "../permissions/role-view";
import type { ExecSession } from "../execute/execute";
import { DEFAULT_CLAIMS_NAMESPACE, type JwtVerifier } from "./jwt-config";

export interface AuthConfig {
  adminSecret: string | null;
  jwt: JwtVerifier | null;
  unauthorizedRole: string | null;
}

/** Lower-cased request headers, first value only. */
export type Headers = Readonly<Record<string, string>>;

function headerVariables(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith("x-hasura-") && name !== "x-hasura-admin-secret" && name !== "x-hasura-access-key" && name !== "x-hasura-use-backend-only-permissions") out[name] = value;
  }
  return out;
}

function sessionFromHeaders(role: string, headers: Headers, backendOnly: boolean): ExecSession {
  const variables = { ...headerVariables(headers), "x-hasura-role": role };
  return { role, variables, headers, backendOnly };
}

/** Authenticates one request. Never logs or echoes the secret or token. */
export async function authenticate(config: AuthConfig, headers: Headers, now: () => Date = () => new Date()): Promise<ExecSession> {
  const requestedRole = headers["x-hasura-role"];
  if (!config.adminSecret) return sessionFromHeaders(requestedRole ?? ADMIN_ROLE, headers, headers["x-hasura-use-backend-only-permissions"] === "true");
  const secret = headers["x-hasura-admin-secret"] ?? headers["x-hasura-access-key"];
  if (secret !== undefined) {
    if (!safeEqualHashHex(secret, adminSecretDigest(config, config.adminSecret))) throw new HasuraError("access-denied", "invalid x-hasura-admin-secret/x-hasura-access-key", "$", 401);
    return sessionFromHeaders(requestedRole ?? ADMIN_ROLE, headers, headers["x-hasura-use-backend-only-permissions"] === "true");
  }
  if (config.jwt) {
    const token = tokenFrom(config.jwt, headers);
    if (token === null) {
      if (config.unauthorizedRole) return sessionFromHeaders(config.unauthorizedRole, {}, false);
      throw new HasuraError("invalid-headers", "Missing 'Authorization' or 'Cookie' header in JWT authentication mode", "$", 400);
    }
    return sessionFromJwt(config.jwt, token, headers, now);
  }
  if (config.unauthorizedRole) return sessionFromHeaders(config.unauthorizedRole, headers, false);
  throw new HasuraError("access-denied", "x-hasura-admin-secret/x-hasura-access-key required, but not found", "$", 401);
}

/**
 * SHA-256 hex of the configured admin secret, computed once per config: every
 * admin request compares digests in constant time (so neither the content nor
 * the length of the secret leaks) without hashing the known secret again.
 */
const ADMIN_DIGESTS = new WeakMap<AuthConfig, string>();
function adminSecretDigest(config: AuthConfig, secret: string): string {
  let digest = ADMIN_DIGESTS.get(config);
  if (digest === undefined) {
    digest = createHash("sha256").update(secret).digest("hex");
    ADMIN_DIGESTS.set(config, digest);
  }
  return digest;
}

function tokenFrom(jwt: JwtVerifier, headers: Headers): string | null {
  const h = jwt.config.header;
  if (h.type === "CustomHeader") return headers[h.name.toLowerCase()] ?? null;
  if (h.type === "Cookie") {
    const cookie = headers.cookie;
    if (!cookie) return null;
    for (const part of cookie.split(";")) {
      const [name, ...rest] = part.trim().split("=");
      if (name === h.name) return decodeURIComponent(rest.join("="));
    }
    return null;
  }
  const auth = headers.authorization;
  if (auth === undefined) return null;
  const m = /^Bearer\s+(\S+)$/i.exec(auth.trim());
  if (!m) throw new HasuraError("invalid-headers", "Malformed Authorization header", "$", 400);
  return m[1];
}

function verifyError(detail: string): HasuraError {
  return new HasuraError("invalid-jwt", `Could not verify JWT: ${detail}`, "$", 400);
}

async function verify(jwt: JwtVerifier, token: string, now: () => Date): Promise<JWTPayload> {
  const { config } = jwt;
  let payload: JWTPayload;
  try {
    const result = await jwtVerify(token, jwt.key as KeyLike & JWTVerifyGetKey, {
      algorithms: jwt.algorithms,
      clockTolerance: config.allowed_skew ?? 0,
      currentDate: now(),
    });
    payload = result.payload;
  } catch (err: unknown) {
    if (err instanceof joseErrors.JWTExpired) throw verifyError("JWTExpired");
    if (err instanceof joseErrors.JWSSignatureVerificationFailed) throw verifyError("JWSError JWSInvalidSignature");
    if (err instanceof joseErrors.JWTClaimValidationFailed) throw verifyError(err.claim === "nbf" ? "JWTNotYetValid" : `JWTClaimsSetDecodeError ${err.message}`);
    if (err instanceof joseErrors.JWSInvalid || err instanceof joseErrors.JWTInvalid) throw verifyError("JWSError CompactDecodeError");
    if (err instanceof joseErrors.JOSEAlgNotAllowed) throw verifyError("JWSError JWSInvalidSignature");
    if (err instanceof joseErrors.JOSEError) throw verifyError(`JWSError ${err.code}`);
    throw verifyError("JWSError CompactDecodeError");
  }
  if (config.audience !== undefined) {
    const wanted = Array.isArray(config.audience) ? config.audience : [config.audience];
    const aud = payload.aud === undefined ? [] : Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!aud.some((a) => wanted.includes(a))) throw verifyError("JWTNotInAudience");
  }
  // A token without `iss` passes the issuer check (contract 4.2).
  if (config.issuer !== undefined && payload.iss !== undefined && payload.iss !== config.issuer) throw verifyError("JWTNotInIssuer");
  return payload;
}

/** `$.a.b` / `$` JSON path lookup used by claims_namespace_path and claims_map. */
function lookupPath(value: unknown, path: string): unknown {
  const segments = path.replace(/^\$/, "").split(".").filter((s) => s !== "");
  let cur: unknown = value;
  for (const s of segments) {
    if (cur === null || typeof cur !== "object") return undefined;
    const m = /^(.*)\[(\d+)\]$/.exec(s);
    cur = m ? ((cur as Record<string, unknown>)[m[1]] as unknown[] | undefined)?.[Number(m[2])] : (cur as Record<string, unknown>)[s];
  }
  return cur;
}

function claimsObject(jwt: JwtVerifier, payload: JWTPayload): Record<string, unknown> {
  const { config } = jwt;
  if (config.claims_map) {
    const out: Record<string, unknown> = {};
    for (const [name, spec] of Object.entries(config.claims_map)) {
      if (typeof spec === "object" && !Array.isArray(spec)) {
        const v = lookupPath(payload, spec.path);
        out[name] = v === undefined ? spec.default : v;
      } else out[name] = spec;
    }
    return out;
  }
  const namespace = config.claims_namespace ?? DEFAULT_CLAIMS_NAMESPACE;
  let claims: unknown = config.claims_namespace_path !== undefined ? lookupPath(payload, config.claims_namespace_path) : payload[namespace];
  const label = config.claims_namespace_path ?? namespace;
  if (claims === undefined) throw new HasuraError("jwt-invalid-claims", `claims key: '${label}' not found`, "$", 400);
  if (config.claims_format === "stringified_json" && typeof claims === "string") {
    try {
      claims = JSON.parse(claims);
    } catch {
      throw new HasuraError("jwt-invalid-claims", "invalid claims: the claims are not stringified JSON", "$", 400);
    }
  }
  if (claims === null || typeof claims !== "object" || Array.isArray(claims)) throw new HasuraError("jwt-invalid-claims", `claims key: '${label}' is not an object`, "$", 400);
  return claims as Record<string, unknown>;
}

/** A claim value as a session variable string; arrays become Postgres array literals (contract 4.2). */
function sessionString(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return `{${value.map((v) => `"${String(typeof v === "string" ? v : JSON.stringify(v)).replace(/(["\\])/g, "\\$1")}"`).join(",")}}`;
  return JSON.stringify(value);
}

async function sessionFromJwt(jwt: JwtVerifier, token: string, headers: Headers, now: () => Date): Promise<ExecSession> {
  const payload = await verify(jwt, token, now);
  const raw = claimsObject(jwt, payload);
  const claims: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) claims[k.toLowerCase()] = v;
  const allowed = claims["x-hasura-allowed-roles"];
  const defaultRole = claims["x-hasura-default-role"];
  if (allowed === undefined) throw new HasuraError("jwt-missing-role-claims", "JWT claim does not contain x-hasura-allowed-roles", "$", 400);
  if (!Array.isArray(allowed) || !allowed.every((r) => typeof r === "string"))
    throw new HasuraError("jwt-invalid-claims", "invalid x-hasura-allowed-roles; should be a list of roles: expected a list of strings", "$", 400);
  if (typeof defaultRole !== "string") throw new HasuraError("jwt-missing-role-claims", "JWT claim does not contain x-hasura-default-role", "$", 400);
  const role = headers["x-hasura-role"] ?? defaultRole;
  if (!(allowed as string[]).includes(role)) throw new HasuraError("access-denied", "Your requested role is not in allowed roles", "$", 400);
  // In JWT mode session variables come from the claims only; x-hasura-* headers other than the role are ignored.
  const variables: Record<string, string> = {};
  for (const [k, v] of Object.entries(claims)) {
    if (!k.startsWith("x-hasura-") || k === "x-hasura-allowed-roles" || k === "x-hasura-default-role") continue;
    variables[k] = sessionString(v);
  }
  variables["x-hasura-role"] = role;
  return { role, variables, headers, backendOnly: false };
}

/**
 * When the session authenticate() built from these headers ends: the `exp` of
 * the JWT it verified, or null (admin secret, unauthorized role, no `exp`).
 * Call only after authenticate() succeeded on the same headers. Hasura closes a
 * WebSocket at this instant (contract 8.1; repo: server/src-lib/Hasura/GraphQL/Transport/WebSocket.hs, tokenExpiryHandler).
 */
export function sessionExpiry(config: AuthConfig, headers: Headers): Date | null {
  if (!config.adminSecret || !config.jwt) return null;
  if (headers["x-hasura-admin-secret"] !== undefined || headers["x-hasura-access-key"] !== undefined) return null;
  const token = tokenFrom(config.jwt, headers);
  if (token === null) return null;
  const { exp } = decodeJwt(token);
  return typeof exp === "number" ? new Date(exp * 1000) : null;
}
