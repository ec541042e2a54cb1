/** Creates a controller and one integration through conduit's management functions, and helpers to send to it. */
import request from "supertest";
import type { Express } from "express";
import { deriveControllerKey, hashIdentifier, parsePiiMasterKeys, type PiiType } from "../../../common/src/pii";
import { createController, createIntegration, type CreatedController, type CreatedIntegration } from "../../src/management/integrations";
import { CUSTOM_DEFINITION, type PlatformCase } from "../fixtures/platforms";
import { PII_KEYS, PUBLIC_BASE_URL, type Stack } from "./stack";

export interface Tenant {
  controller: CreatedController;
  integration: CreatedIntegration;
  /** Path and query of the webhook URL (what supertest requests). */
  pathAndQuery: string;
}

export async function createTenant(stack: Stack, c: PlatformCase, title = `Org ${c.service}`): Promise<Tenant> {
  const controller = await createController({ title }, stack.management);
  const integration = await createIntegration(
    {
      did: controller.did,
      dxKey: controller.dxKey,
      service: c.service,
      name: `${c.service} test`,
      signingSecret: c.secret,
      config: c.config,
      custom: c.service === "custom" ? CUSTOM_DEFINITION : undefined,
    },
    stack.management,
  );
  const url = new URL(integration.webhookUrl);
  return { controller, integration, pathAndQuery: url.pathname + url.search };
}

export interface SendOptions {
  body?: string;
  /** Body to sign when it differs from the body sent (tampering). */
  signedBody?: string;
  secret?: string;
  nowSeconds?: number;
  pathAndQuery?: string;
  headers?: Record<string, string>;
  method?: "post" | "get" | "head";
}

/** Sends `c`'s delivery to the tenant's URL, signed as the platform signs it. */
export function send(app: Express, stack: Stack, tenant: Tenant, c: PlatformCase, options: SendOptions = {}): request.Test {
  const body = options.body ?? c.body;
  const pathAndQuery = options.pathAndQuery ?? tenant.pathAndQuery;
  const headers = c.headers({
    body: options.signedBody ?? body,
    secret: options.secret ?? c.secret ?? "",
    nowSeconds: options.nowSeconds ?? Math.floor(stack.clock.now.getTime() / 1000),
    url: PUBLIC_BASE_URL + pathAndQuery,
  });
  const custom = c.service === "custom" ? { authorization: tenant.integration.webhookAuth ?? "", "x-webhook-secret": tenant.integration.webhookSecretHeader ?? "" } : {};
  const method = options.method ?? "post";
  let req = request(app)[method](pathAndQuery).set({ ...headers, ...custom, ...options.headers });
  if (method === "post") req = req.set("content-type", c.contentType).send(body);
  return req;
}

/** Rows of webhook_intake for a controller, oldest first. */
export async function intakeRows(stack: Stack, controllerId: string) {
  const result = await stack.pool.query<{ service: string; event_type: string; platform_event_id: string | null; pii: { type: string; hash: string; path: string; keyVersion: number }[]; field_types: string[]; content_key: string; data_processor_id: string | null }>(
    "select service, event_type, platform_event_id, pii, field_types, content_key, data_processor_id from webhook_intake where controller_id = $1 order by received_at, platform_event_id nulls last, id",
    [controllerId],
  );
  return result.rows;
}

/** The keyed hash a value must have for this controller (computed independently of conduit's pipeline). */
export function expectedHash(controllerId: string, type: PiiType, canonical: string): string {
  return hashIdentifier(deriveControllerKey(parsePiiMasterKeys(PII_KEYS), controllerId), type, canonical);
}
