/**
 * Authentication modes and JWT handling (Hasura contract 4.1-4.3), with real
 * tokens signed by jose and a clock injected where time matters.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWTPayload } from "jose";
import { authenticate, type AuthConfig } from "../../src/auth/authenticate";
import { parseJwtConfig } from "../../src/auth/jwt-config";
import { HasuraError } from "../../src/errors";

const KEY = "an-hmac-key-of-at-least-thirty-two-characters";
const NOW = new Date("2026-01-01T00:00:00Z");
const nowSeconds = Math.floor(NOW.getTime() / 1000);
const claims = { "x-hasura-allowed-roles": ["user", "editor"], "x-hasura-default-role": "user", "X-Hasura-User-Id": "42", "x-hasura-org-ids": ["a", "b c"] };

async function hs(payload: JWTPayload, key = KEY, exp = nowSeconds + 600): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: "HS256" }).setIssuedAt(nowSeconds).setExpirationTime(exp).sign(new TextEncoder().encode(key));
}

async function config(jwt: Record<string, unknown> | null, extra: Partial<AuthConfig> = {}): Promise<AuthConfig> {
  return { adminSecret: "s3cret", jwt: jwt ? await parseJwtConfig(JSON.stringify(jwt)) : null, unauthorizedRole: null, ...extra };
}

async function fails(promise: Promise<unknown>): Promise<{ code: string; message: string; status: number }> {
  try {
    await promise;
  } catch (err: unknown) {
    if (err instanceof HasuraError) return { code: err.code, message: err.message, status: err.status };
    throw err;
  }
  throw new Error("expected a HasuraError");
}

describe("admin secret and unauthorized role", () => {
  test("without an admin secret every request is admin unless x-hasura-role picks a role", async () => {
    const c: AuthConfig = { adminSecret: null, jwt: null, unauthorizedRole: null };
    expect(await authenticate(c, {})).toEqual({ role: "admin", variables: { "x-hasura-role": "admin" }, headers: {}, backendOnly: false });
    expect((await authenticate(c, { "x-hasura-role": "user", "x-hasura-user-id": "7" })).variables).toEqual({ "x-hasura-role": "user", "x-hasura-user-id": "7" });
  });

  test("the right secret is admin; the deprecated x-hasura-access-key works too; backend-only needs the secret", async () => {
    const c = await config(null);
    expect((await authenticate(c, { "x-hasura-admin-secret": "s3cret" })).role).toBe("admin");
    expect((await authenticate(c, { "x-hasura-access-key": "s3cret" })).role).toBe("admin");
    expect((await authenticate(c, { "x-hasura-admin-secret": "s3cret", "x-hasura-use-backend-only-permissions": "true" })).backendOnly).toBe(true);
  });

  test("a wrong secret is access-denied 401 and a missing one too when nothing else applies", async () => {
    const c = await config(null);
    expect(await fails(authenticate(c, { "x-hasura-admin-secret": "nope" }))).toEqual({ code: "access-denied", message: "invalid x-hasura-admin-secret/x-hasura-access-key", status: 401 });
    expect(await fails(authenticate(c, {}))).toEqual({ code: "access-denied", message: "x-hasura-admin-secret/x-hasura-access-key required, but not found", status: 401 });
  });

  test("the unauthorized role applies to requests without credentials", async () => {
    const c = await config(null, { unauthorizedRole: "anonymous" });
    expect((await authenticate(c, {})).variables).toEqual({ "x-hasura-role": "anonymous" });
  });
});

describe("JWT mode", () => {
  test("role and session variables come from the claims, lower-cased; arrays become Postgres array literals", async () => {
    const c = await config({ type: "HS256", key: KEY });
    const token = await hs({ "https://hasura.io/jwt/claims": claims });
    const session = await authenticate(c, { authorization: `Bearer ${token}`, "x-hasura-user-id": "999" }, () => NOW);
    expect(session.role).toBe("user");
    expect(session.variables).toEqual({ "x-hasura-role": "user", "x-hasura-user-id": "42", "x-hasura-org-ids": '{"a","b c"}' });
  });

  test("x-hasura-role picks an allowed role and is refused otherwise", async () => {
    const c = await config({ type: "HS256", key: KEY });
    const token = await hs({ "https://hasura.io/jwt/claims": claims });
    expect((await authenticate(c, { authorization: `Bearer ${token}`, "x-hasura-role": "editor" }, () => NOW)).role).toBe("editor");
    expect(await fails(authenticate(c, { authorization: `Bearer ${token}`, "x-hasura-role": "admin" }, () => NOW))).toEqual({
      code: "access-denied",
      message: "Your requested role is not in allowed roles",
      status: 400,
    });
  });

  test("expired tokens fail, allowed_skew gives leeway", async () => {
    const token = await hs({ "https://hasura.io/jwt/claims": claims }, KEY, nowSeconds - 30);
    expect(await fails(authenticate(await config({ type: "HS256", key: KEY }), { authorization: `Bearer ${token}` }, () => NOW))).toEqual({
      code: "invalid-jwt",
      message: "Could not verify JWT: JWTExpired",
      status: 400,
    });
    expect((await authenticate(await config({ type: "HS256", key: KEY, allowed_skew: 60 }), { authorization: `Bearer ${token}` }, () => NOW)).role).toBe("user");
  });

  test("a token signed with another key fails with JWSInvalidSignature", async () => {
    const token = await hs({ "https://hasura.io/jwt/claims": claims }, `${KEY}-other`);
    expect((await fails(authenticate(await config({ type: "HS256", key: KEY }), { authorization: `Bearer ${token}` }, () => NOW))).message).toBe(
      "Could not verify JWT: JWSError JWSInvalidSignature",
    );
  });

  test("audience must match; issuer must match when the token has one", async () => {
    const c = await config({ type: "HS256", key: KEY, audience: ["app-a", "app-b"], issuer: "https://issuer.example" });
    const ok = await hs({ aud: "app-b", iss: "https://issuer.example", "https://hasura.io/jwt/claims": claims });
    expect((await authenticate(c, { authorization: `Bearer ${ok}` }, () => NOW)).role).toBe("user");
    const noIss = await hs({ aud: "app-a", "https://hasura.io/jwt/claims": claims });
    expect((await authenticate(c, { authorization: `Bearer ${noIss}` }, () => NOW)).role).toBe("user");
    const wrongAud = await hs({ aud: "other", "https://hasura.io/jwt/claims": claims });
    expect((await fails(authenticate(c, { authorization: `Bearer ${wrongAud}` }, () => NOW))).message).toBe("Could not verify JWT: JWTNotInAudience");
    const wrongIss = await hs({ aud: "app-a", iss: "https://evil.example", "https://hasura.io/jwt/claims": claims });
    expect((await fails(authenticate(c, { authorization: `Bearer ${wrongIss}` }, () => NOW))).message).toBe("Could not verify JWT: JWTNotInIssuer");
  });

  test("claims_namespace, claims_namespace_path and stringified_json locate the claims", async () => {
    const custom = await hs({ "urn:claims": claims });
    expect((await authenticate(await config({ type: "HS256", key: KEY, claims_namespace: "urn:claims" }), { authorization: `Bearer ${custom}` }, () => NOW)).role).toBe("user");
    const nested = await hs({ hasura: { claims } });
    expect((await authenticate(await config({ type: "HS256", key: KEY, claims_namespace_path: "$.hasura.claims" }), { authorization: `Bearer ${nested}` }, () => NOW)).role).toBe(
      "user",
    );
    const stringified = await hs({ "https://hasura.io/jwt/claims": JSON.stringify(claims) });
    expect(
      (await authenticate(await config({ type: "HS256", key: KEY, claims_format: "stringified_json" }), { authorization: `Bearer ${stringified}` }, () => NOW)).variables["x-hasura-user-id"],
    ).toBe("42");
  });

  test("claims_map builds the claims from paths, defaults and literals", async () => {
    const c = await config({
      type: "HS256",
      key: KEY,
      claims_map: { "x-hasura-allowed-roles": { path: "$.roles" }, "x-hasura-default-role": { path: "$.role", default: "user" }, "x-hasura-user-id": { path: "$.sub" } },
    });
    const token = await hs({ roles: ["user"], sub: "u-1" });
    expect((await authenticate(c, { authorization: `Bearer ${token}` }, () => NOW)).variables).toEqual({ "x-hasura-role": "user", "x-hasura-user-id": "u-1" });
  });

  test("missing or malformed claims and headers get Hasura's codes", async () => {
    const c = await config({ type: "HS256", key: KEY });
    expect(await fails(authenticate(c, { authorization: `Bearer ${await hs({ other: 1 })}` }, () => NOW))).toEqual({
      code: "jwt-invalid-claims",
      message: "claims key: 'https://hasura.io/jwt/claims' not found",
      status: 400,
    });
    expect((await fails(authenticate(c, { authorization: `Bearer ${await hs({ "https://hasura.io/jwt/claims": { "x-hasura-allowed-roles": ["user"] } })}` }, () => NOW))).message).toBe(
      "JWT claim does not contain x-hasura-default-role",
    );
    expect((await fails(authenticate(c, { authorization: `Bearer ${await hs({ "https://hasura.io/jwt/claims": { "x-hasura-allowed-roles": "user", "x-hasura-default-role": "user" } })}` }, () => NOW))).code).toBe(
      "jwt-invalid-claims",
    );
    expect(await fails(authenticate(c, {}))).toEqual({ code: "invalid-headers", message: "Missing 'Authorization' or 'Cookie' header in JWT authentication mode", status: 400 });
    expect((await fails(authenticate(c, { authorization: "Basic abc" }))).message).toBe("Malformed Authorization header");
  });

  test("without a token the unauthorized role applies in JWT mode", async () => {
    const c = await config({ type: "HS256", key: KEY }, { unauthorizedRole: "anonymous" });
    expect((await authenticate(c, {})).role).toBe("anonymous");
  });

  test("Cookie and CustomHeader carry the token when configured", async () => {
    const token = await hs({ "https://hasura.io/jwt/claims": claims });
    const cookie = await config({ type: "HS256", key: KEY, header: { type: "Cookie", name: "session" } });
    expect((await authenticate(cookie, { cookie: `a=1; session=${token}` }, () => NOW)).role).toBe("user");
    const custom = await config({ type: "HS256", key: KEY, header: { type: "CustomHeader", name: "X-Auth-Token" } });
    expect((await authenticate(custom, { "x-auth-token": token }, () => NOW)).role).toBe("user");
  });

  test("RS256 with a PEM public key, and a JWKS served from jwk_url", async () => {
    const { publicKey, privateKey } = await generateKeyPair("RS256");
    const token = await new SignJWT({ "https://hasura.io/jwt/claims": claims }).setProtectedHeader({ alg: "RS256", kid: "k1" }).setExpirationTime(nowSeconds + 600).sign(privateKey);
    const pem = await exportSPKI(publicKey);
    expect((await authenticate(await config({ type: "RS256", key: pem }), { authorization: `Bearer ${token}` }, () => NOW)).role).toBe("user");

    const jwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "RS256", use: "sig" };
    const server: Server = createServer((_req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
      expect((await authenticate(await config({ jwk_url: url }), { authorization: `Bearer ${token}` }, () => NOW)).role).toBe("user");
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("parseJwtConfig", () => {
  test("rejects invalid configurations, naming the key but never its value", async () => {
    await expect(parseJwtConfig("{not json")).rejects.toThrow("HASURA_GRAPHQL_JWT_SECRET is not valid JSON");
    await expect(parseJwtConfig(JSON.stringify({ key: KEY }))).rejects.toThrow("type is required with key");
    await expect(parseJwtConfig(JSON.stringify({ type: "HS256", key: "short" }))).rejects.toThrow("an HMAC key must be at least 32 characters");
    await expect(parseJwtConfig(JSON.stringify({ type: "HS256", key: KEY, jwk_url: "https://x.example/jwks" }))).rejects.toThrow("give exactly one of key or jwk_url");
    await expect(parseJwtConfig(JSON.stringify({ type: "HS256", key: KEY, claims_namespace: "a", claims_namespace_path: "$.b" }))).rejects.toThrow("exclusive");
    await expect(parseJwtConfig(JSON.stringify({ type: "HS256", key: "short" }))).rejects.not.toThrow(/short/);
  });
});
