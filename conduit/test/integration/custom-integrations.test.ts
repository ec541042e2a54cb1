/**
 * Custom-integration CRUD as the handlers' actions call it: onboarding output,
 * list/get/update/delete, key rotation, tenant scoping, and the effect of each
 * on the live webhook.
 */
import request from "supertest";
import type { Express } from "express";
import {
  createCustomIntegration,
  deleteCustomIntegration,
  getCustomIntegration,
  listCustomIntegrations,
  rotateCustomIntegrationKey,
  updateCustomIntegration,
} from "../../src/management/custom-integrations";
import { createController, type CreatedController } from "../../src/management/integrations";
import { CUSTOM_DEFINITION } from "../fixtures/platforms";
import { startStack, type Stack } from "../helpers/stack";

let stack: Stack;
let app: Express;
let a: CreatedController;
let b: CreatedController;
beforeAll(async () => {
  stack = await startStack();
  app = stack.app();
  a = await createController({ title: "Tenant A" }, stack.management);
  b = await createController({ title: "Tenant B" }, stack.management);
});
afterAll(async () => {
  await stack?.close();
});

const post = (webhookUrl: string, auth: string, webhookSecret: string, body: unknown) => {
  const url = new URL(webhookUrl);
  return request(app).post(url.pathname + url.search).set({ "content-type": "application/json", authorization: auth, "x-webhook-secret": webhookSecret }).send(JSON.stringify(body));
};

test("onboard, use, update, rotate and delete a custom integration, scoped to its controller", async () => {
  const scopeA = { controllerIds: [a.id] };
  const scopeB = { controllerIds: [b.id] };
  const created = await createCustomIntegration(
    { controllerId: a.id, name: "Signup app", legalBasis: "contract", purpose: "accounts", countryCode: "DE", ...CUSTOM_DEFINITION },
    scopeA,
    stack.management,
  );
  expect(created).toEqual({
    dataProcessorId: expect.any(String),
    webhookUrl: `https://conduit.example.com/api/v1/integrations/custom/event?did=${encodeURIComponent(a.did)}&dpid=${created.dataProcessorId}`,
    apiKey: expect.stringMatching(/^ck_/),
    webhookAuth: `Bearer ${created.apiKey}`,
    webhookSecret: a.webhookSecret,
    signingSecret: null,
  });
  const signup = { event: "user.signup", triggeredAt: "2026-01-15T11:00:00Z", email: "crud@example.org" };
  expect((await post(created.webhookUrl, created.webhookAuth, a.webhookSecret, signup)).status).toBe(200);

  expect((await listCustomIntegrations(a.id, scopeA, stack.management)).map((i) => i.dataProcessorId)).toEqual([created.dataProcessorId]);
  await expect(listCustomIntegrations(a.id, scopeB, stack.management)).rejects.toThrow("Unknown controller");
  expect(await getCustomIntegration(created.dataProcessorId, scopeB, stack.management)).toBeNull();
  await expect(createCustomIntegration({ controllerId: a.id, name: "x", legalBasis: "contract", ...CUSTOM_DEFINITION }, scopeB, stack.management)).rejects.toThrow("Unknown controller");
  await expect(deleteCustomIntegration(created.dataProcessorId, scopeB, stack.management)).rejects.toThrow("Unknown custom integration");

  const updated = await updateCustomIntegration(
    {
      dataProcessorId: created.dataProcessorId,
      name: "Signup app v2",
      eventDefinitions: [...CUSTOM_DEFINITION.eventDefinitions, { name: "user.deleted", fields: [] }],
    },
    scopeA,
    stack.management,
  );
  expect(updated).toMatchObject({ name: "Signup app v2", status: "active", webhookUrl: created.webhookUrl });
  expect((updated.eventDefinitions as { name: string }[]).map((d) => d.name)).toEqual(["user.signup", "user.deleted"]);
  expect((await post(created.webhookUrl, created.webhookAuth, a.webhookSecret, { event: "user.deleted", triggeredAt: "2026-01-15T11:00:00Z" })).status).toBe(200);
  await expect(updateCustomIntegration({ dataProcessorId: created.dataProcessorId, legalBasis: "vibes" as "consent" /* what an untyped (JSON) caller can send */ }, scopeA, stack.management)).rejects.toThrow("Invalid custom integration update");

  const rotated = await rotateCustomIntegrationKey(created.dataProcessorId, scopeA, stack.management);
  expect((await post(created.webhookUrl, created.webhookAuth, a.webhookSecret, signup)).status).toBe(401);
  expect((await post(created.webhookUrl, rotated.webhookAuth, a.webhookSecret, { ...signup, email: "crud2@example.org" })).status).toBe(200);

  expect(await deleteCustomIntegration(created.dataProcessorId, scopeA, stack.management)).toEqual({ dataProcessorId: created.dataProcessorId, deleted: true });
  expect((await post(created.webhookUrl, rotated.webhookAuth, a.webhookSecret, signup)).status).toBe(401);
  expect(await getCustomIntegration(created.dataProcessorId, scopeA, stack.management)).toBeNull();
});
