/**
 * conduit's own authentication, before any platform signature (ARCHITECTURE.md,
 * data flow 1). Three ways in, each compared in constant time:
 * - `?token=<JWE>`: carries the controller DID, DX key and processor id;
 * - `?did=…&dxKey=…` (optionally `&dpid=…`): DX key checked against the stored hash;
 * - custom integrations: `?did=…&dpid=…` plus `Authorization: Bearer <API key>`
 *   and `x-webhook-secret: <controller webhook secret>`, both required.
 * Every failure is an AuthError (401) whose message does not say which part
 * was wrong; the reason goes to the log only.
 */
import {
  decryptIntegrationToken,
  decryptSecret,
  safeEqualSecret,
  SECRET_CONTEXT,
  verifySecretKey,
  type SecretKeyRing,
  type TokenResult,
} from "../../../common/src/crypto";
import { AuthError, NotFoundError } from "../../../common/src/errors";
import type { ServiceName } from "../integrations/types";
import type { ControllerRecord, IntakeStore, ProcessorRecord } from "../store/types";

export interface AuthInput {
  service: ServiceName;
  query: { token?: string; did?: string; dxKey?: string; dpid?: string };
  authorization?: string;
  webhookSecret?: string;
}

export interface AuthDeps {
  store: Pick<IntakeStore, "findControllerByDid" | "findProcessor" | "findProcessorsByService">;
  jweKeys: SecretKeyRing;
  secretKeys: SecretKeyRing;
}

export interface Authenticated {
  controller: ControllerRecord;
  processor: ProcessorRecord;
  method: "token" | "dx_key" | "api_key";
}

/** An auth failure with the internal reason for the log line. */
export class AuthFailure extends AuthError {
  constructor(readonly reason: string) {
    super("Authentication failed: check the integration URL and credentials");
  }
}

/** Processor states that receive events; paused or disconnected ones are unknown integrations. */
const RECEIVING = new Set(["active", "pending"]);

async function resolveProcessor(deps: AuthDeps, controller: ControllerRecord, service: ServiceName, dpid: string | undefined): Promise<ProcessorRecord> {
  let processor: ProcessorRecord | undefined;
  if (dpid) {
    processor = await deps.store.findProcessor(dpid);
  } else {
    const candidates = await deps.store.findProcessorsByService(controller.id, service);
    // Two integrations of one service need the processor id in the URL.
    processor = candidates.length === 1 ? candidates[0] : undefined;
  }
  if (!processor || processor.controllerId !== controller.id || processor.service !== service || !RECEIVING.has(processor.status)) {
    throw new NotFoundError("Unknown integration for this controller");
  }
  return processor;
}

/**
 * Successful token decryptions, memoised per key ring (bounded): a token is
 * deterministic for its key, and the DX key inside is still checked against
 * the controller's current hash on every request, so rotation keeps working.
 */
const TOKEN_MEMO = new WeakMap<SecretKeyRing, Map<string, TokenResult>>();
const MAX_TOKENS = 10_000;

async function decryptCached(token: string, ring: SecretKeyRing): Promise<TokenResult> {
  let memo = TOKEN_MEMO.get(ring);
  if (!memo) {
    memo = new Map();
    TOKEN_MEMO.set(ring, memo);
  }
  const hit = memo.get(token);
  if (hit) return hit;
  const result = await decryptIntegrationToken(token, ring);
  if (result.ok) {
    if (memo.size >= MAX_TOKENS) memo.delete(memo.keys().next().value as string);
    memo.set(token, result);
  }
  return result;
}

function bearer(authorization: string | undefined): string | undefined {
  // Scheme is case-insensitive, single space (integrations spec §19).
  const match = authorization ? /^bearer (\S+)$/i.exec(authorization.trim()) : null;
  return match ? match[1] : undefined;
}

/**
 * Resolves the controller and processor a request is for, or throws
 * AuthFailure (401) / NotFoundError (404 for an unknown integration of a
 * correctly authenticated controller).
 */
export async function authenticate(input: AuthInput, deps: AuthDeps): Promise<Authenticated> {
  const { query } = input;
  if (input.service === "custom") {
    if (!query.did || !query.dpid) throw new AuthFailure("custom_missing_did_or_dpid");
    const apiKey = bearer(input.authorization);
    if (!apiKey || !input.webhookSecret) throw new AuthFailure("custom_missing_credentials");
    const controller = await deps.store.findControllerByDid(query.did);
    if (!controller) throw new AuthFailure("unknown_did");
    let storedSecret: string | undefined;
    try {
      storedSecret = controller.webhookSecretEncrypted ? decryptSecret(controller.webhookSecretEncrypted, deps.secretKeys, SECRET_CONTEXT.controllerWebhookSecret) : undefined;
    } catch {
      throw new Error("[conduit/auth] the controller's webhook secret cannot be decrypted with SECRETS_ENCRYPTION_KEYS");
    }
    const secretOk = storedSecret !== undefined && safeEqualSecret(input.webhookSecret, storedSecret);
    const processor = await deps.store.findProcessor(query.dpid);
    const keyOk = processor?.apiKeyHash ? verifySecretKey(apiKey, processor.apiKeyHash) : false;
    if (!secretOk || !keyOk) throw new AuthFailure(!secretOk ? "bad_webhook_secret" : "bad_api_key");
    return { controller, processor: await resolveProcessor(deps, controller, "custom", query.dpid), method: "api_key" };
  }

  if (query.token) {
    const result = await decryptCached(query.token, deps.jweKeys);
    if (!result.ok) throw new AuthFailure(`token_${result.reason}`);
    const controller = await deps.store.findControllerByDid(result.claims.did);
    if (!controller) throw new AuthFailure("unknown_did");
    // The token is only as good as the DX key inside it: a rotated key revokes old URLs.
    if (!verifySecretKey(result.claims.dxKey, controller.dxKeyHash)) throw new AuthFailure("token_dx_key_revoked");
    return { controller, processor: await resolveProcessor(deps, controller, input.service, result.claims.dpid), method: "token" };
  }

  if (query.did && query.dxKey) {
    const controller = await deps.store.findControllerByDid(query.did);
    if (!controller) {
      // Spend the same hash work for unknown DIDs as for known ones.
      verifySecretKey(query.dxKey, "0".repeat(64));
      throw new AuthFailure("unknown_did");
    }
    if (!verifySecretKey(query.dxKey, controller.dxKeyHash)) throw new AuthFailure("bad_dx_key");
    return { controller, processor: await resolveProcessor(deps, controller, input.service, query.dpid), method: "dx_key" };
  }
  throw new AuthFailure("no_credentials");
}
