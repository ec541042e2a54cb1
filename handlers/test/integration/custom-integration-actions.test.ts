/**
 * The custom-integration actions end to end: a signed-in user (a real HS256
 * JWT) calls /v1/graphql on the engine, the engine calls the handlers' action
 * routes with the session variables, the handlers write through conduit's
 * management code, and the credentials returned make real signed webhooks to
 * conduit succeed (or fail once changed or deleted). Tenancy and validation are
 * checked through the same path.
 */
import request from "supertest";
import type { Express } from "express";
import { hashSecretKey, parseKeyRing } from "../../../common/src/crypto";
import { signStandardWebhook } from "../../../conduit/src/integrations/custom/signature";
import { createController, type CreatedController } from "../../../conduit/src/management/integrations";
import type { CustomIntegrationDeps } from "../../../conduit/src/management/custom-integrations";
import { JWT_SECRET, signJwt } from "../../../engine/test/helpers/blog";
import { createActionHandlers } from "../../src/actions";
import { CONDUIT_BASE_URL, conduitFor } from "../helpers/conduit";
import { insertUser } from "../helpers/seed";
import { SECRET_KEYS, startStack, type Stack } from "../helpers/stack";

let stack: Stack;
let conduit: ReturnType<typeof conduitFor> | undefined;
let app: Express;
let a: CreatedController;
let b: CreatedController;
const users: Record<"ownerA" | "adminA" | "memberA" | "ownerB" | "outsider", string> = { ownerA: "", adminA: "", memberA: "", ownerB: "", outsider: "" };

// The handlers' deps are built before the stack hands out its endpoint; the
// store is read on each call, after beforeAll has built conduit.
const customIntegrations: CustomIntegrationDeps = {
  secretKeys: parseKeyRing(SECRET_KEYS),
  publicBaseUrl: CONDUIT_BASE_URL,
  get store() {
    if (!conduit) throw new Error("[test] conduit is not built yet");
    return conduit.management.store;
  },
};

beforeAll(async () => {
  stack = await startStack({ jwtSecret: JWT_SECRET, services: (base) => ({ ...base, customIntegrations }), actions: (services) => createActionHandlers(services) });
  // Lookup cache off: the test checks that the very next webhook sees each change.
  conduit = conduitFor(stack, { cacheTtlMs: 0 });
  app = conduit.app;
  a = await createController({ title: "Tenant A" }, conduit.management);
  b = await createController({ title: "Tenant B" }, conduit.management);
  for (const key of Object.keys(users) as (keyof typeof users)[]) users[key] = await insertUser(stack, `${key}@example.org`);
  const member = "insert into public.data_controller_users (controller_id, user_id, role) values ($1, $2, $3)";
  await stack.query(member, [a.id, users.ownerA, "owner"]);
  await stack.query(member, [a.id, users.adminA, "admin"]);
  await stack.query(member, [a.id, users.memberA, "member"]);
  await stack.query(member, [b.id, users.ownerB, "owner"]);
}, 60_000);
afterAll(async () => {
  await stack?.close();
});

interface GraphqlAnswer {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function gql(userId: string, query: string, variables: Record<string, unknown> = {}): Promise<{ body: GraphqlAnswer; text: string }> {
  const token = await signJwt({ "x-hasura-allowed-roles": ["user"], "x-hasura-default-role": "user", "x-hasura-user-id": userId });
  const res = await fetch(stack.endpoint, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  const text = await res.text();
  return { body: JSON.parse(text) as GraphqlAnswer, text };
}

const DEFINITION = {
  eventDefinitions: [{ name: "user.signup", fields: [{ path: "email", type: "string", required: true }] }],
  fieldMappings: [{ event: "user.signup", path: "email", piiType: "email" }],
};

const CREATE = `mutation Create($input: CreateCustomIntegrationInput!) {
  createCustomIntegration(input: $input) { dataProcessorId webhookUrl apiKey webhookAuth webhookSecret signingSecret }
}`;
const FIELDS = "dataProcessorId controllerId name status legalBasis purpose webhookUrl eventDefinitions { name description fields { path type required } } fieldMappings { event path piiType }";
const LIST = `query List($controllerId: uuid!) { customIntegrations(controllerId: $controllerId) { ${FIELDS} } }`;
const GET = `query Get($id: uuid!) { customIntegration(dataProcessorId: $id) { ${FIELDS} } }`;
const UPDATE = `mutation Update($input: UpdateCustomIntegrationInput!) { updateCustomIntegration(input: $input) { ${FIELDS} } }`;
const DELETE = `mutation Delete($id: uuid!) { deleteCustomIntegration(dataProcessorId: $id) { dataProcessorId deleted } }`;
const ROTATE = `mutation Rotate($id: uuid!) { rotateCustomIntegrationKey(dataProcessorId: $id) { dataProcessorId apiKey webhookAuth } }`;

interface Onboarded {
  dataProcessorId: string;
  webhookUrl: string;
  apiKey: string;
  webhookAuth: string;
  webhookSecret: string;
  signingSecret: string | null;
}

async function onboard(userId: string, input: Record<string, unknown>): Promise<Onboarded> {
  const { body } = await gql(userId, CREATE, { input });
  expect(body.errors).toBeUndefined();
  return (body.data as { createCustomIntegration: Onboarded }).createCustomIntegration;
}

let sequence = 0;
/** A webhook as the controller's system sends it: API key, webhook secret, and a Standard Webhooks signature when a secret is given. */
function send(created: Pick<Onboarded, "webhookUrl" | "webhookAuth" | "webhookSecret" | "signingSecret">, event: Record<string, unknown>) {
  const url = new URL(created.webhookUrl);
  const body = JSON.stringify({ triggeredAt: "2026-03-02T09:59:00Z", ...event });
  const headers: Record<string, string> = { "content-type": "application/json", authorization: created.webhookAuth, "x-webhook-secret": created.webhookSecret };
  if (created.signingSecret) {
    const id = `msg_${++sequence}`;
    const timestamp = Math.floor(stack.clock.now.getTime() / 1000);
    Object.assign(headers, { "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": signStandardWebhook(id, timestamp, body, created.signingSecret) });
  }
  return request(app).post(url.pathname + url.search).set(headers).send(body);
}

const intakeRows = async (dataProcessorId: string) =>
  stack.query<{ event_type: string; field_types: string[] }>("select event_type, field_types from public.webhook_intake where data_processor_id = $1 order by triggered_at, event_type desc", [dataProcessorId]);

test("an owner onboards, uses, lists, updates, rotates and deletes a custom integration through the GraphQL API", async () => {
  const created = await onboard(users.ownerA, { controllerId: a.id, name: "Signup app", legalBasis: "contract", purpose: "accounts", standardWebhooks: true, ...DEFINITION });
  expect(created).toEqual({
    dataProcessorId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    webhookUrl: `${CONDUIT_BASE_URL}/api/v1/integrations/custom/event?did=${encodeURIComponent(a.did)}&dpid=${created.dataProcessorId}`,
    apiKey: expect.stringMatching(/^ck_/),
    webhookAuth: `Bearer ${created.apiKey}`,
    webhookSecret: a.webhookSecret,
    signingSecret: expect.stringMatching(/^whsec_/),
  });
  // The key is stored only as its SHA-256; the definitions as given.
  const [row] = await stack.query<{ api_key_hash: string; status: string; config: unknown; event_definitions: unknown; field_mappings: unknown; signing_secret_encrypted: string }>(
    "select api_key_hash, status, config, event_definitions, field_mappings, signing_secret_encrypted from public.data_processors where id = $1",
    [created.dataProcessorId],
  );
  expect(row).toEqual({
    api_key_hash: hashSecretKey(created.apiKey),
    status: "active",
    config: { legalBasis: "contract", purpose: "accounts" },
    event_definitions: [{ name: "user.signup", fields: [{ path: "email", type: "string", required: true }] }],
    field_mappings: DEFINITION.fieldMappings,
    signing_secret_encrypted: expect.stringMatching(/^gcm1\./),
  });
  expect(JSON.stringify(row)).not.toContain(created.apiKey);
  expect(row.signing_secret_encrypted).not.toContain(created.signingSecret);

  // The returned URL, API key, webhook secret and signing secret make a real signed webhook succeed.
  const first = await send(created, { event: "user.signup", eventId: "s-1", email: "new.user@example.org" });
  expect(first.status).toBe(200);
  expect(first.body).toEqual({ ok: true, received: 1, stored: 1, duplicates: 0 });
  expect(await intakeRows(created.dataProcessorId)).toEqual([{ event_type: "user.signup", field_types: ["email"] }]);
  // The signature is required once enabled.
  expect((await send({ ...created, signingSecret: null }, { event: "user.signup", eventId: "s-2", email: "x@example.org" })).status).toBe(401);

  // List and get show the integration and no secret (an admin may read it too).
  const expected = {
    dataProcessorId: created.dataProcessorId,
    controllerId: a.id,
    name: "Signup app",
    status: "active",
    legalBasis: "contract",
    purpose: "accounts",
    webhookUrl: created.webhookUrl,
    eventDefinitions: [{ name: "user.signup", description: null, fields: [{ path: "email", type: "string", required: true }] }],
    fieldMappings: DEFINITION.fieldMappings,
  };
  const listed = await gql(users.adminA, LIST, { controllerId: a.id });
  expect(listed.body).toEqual({ data: { customIntegrations: [expected] } });
  const got = await gql(users.ownerA, GET, { id: created.dataProcessorId });
  expect(got.body).toEqual({ data: { customIntegration: expected } });
  for (const text of [listed.text, got.text]) {
    for (const secret of [created.apiKey, created.webhookSecret, created.signingSecret ?? "", hashSecretKey(created.apiKey)]) expect(text).not.toContain(secret);
  }

  // Update: the next webhook is validated against the new definitions.
  const updated = await gql(users.ownerA, UPDATE, {
    input: {
      dataProcessorId: created.dataProcessorId,
      name: "Shop app",
      eventDefinitions: [{ name: "order.placed", description: "checkout", fields: [{ path: "customer.email", type: "string", required: true }] }],
      fieldMappings: [{ event: "order.placed", path: "customer.email", piiType: "email" }],
    },
  });
  expect(updated.body).toEqual({
    data: {
      updateCustomIntegration: {
        ...expected,
        name: "Shop app",
        eventDefinitions: [{ name: "order.placed", description: "checkout", fields: [{ path: "customer.email", type: "string", required: true }] }],
        fieldMappings: [{ event: "order.placed", path: "customer.email", piiType: "email" }],
      },
    },
  });
  const oldEvent = await send(created, { event: "user.signup", eventId: "s-3", email: "late@example.org" });
  expect(oldEvent.status).toBe(400);
  expect(oldEvent.body).toEqual({ error: { code: "validation_failed", errorId: expect.any(String), message: "Unknown event for this integration", issues: [{ path: "event", message: "is not a configured event" }] } });
  const missing = await send(created, { event: "order.placed", eventId: "o-1", customer: {} });
  expect(missing.status).toBe(400);
  expect(missing.body).toEqual({ error: { code: "validation_failed", errorId: expect.any(String), message: "Invalid custom event: missing customer.email", issues: [{ path: "customer.email", message: "is required" }] } });
  expect((await send(created, { event: "order.placed", eventId: "o-2", customer: { email: "buyer@example.org" } })).status).toBe(200);
  expect(await intakeRows(created.dataProcessorId)).toEqual([
    { event_type: "user.signup", field_types: ["email"] },
    { event_type: "order.placed", field_types: ["email"] },
  ]);

  // Pausing stops intake (unknown integration) until it is active again.
  expect((await gql(users.ownerA, UPDATE, { input: { dataProcessorId: created.dataProcessorId, status: "paused" } })).body.errors).toBeUndefined();
  expect((await send(created, { event: "order.placed", eventId: "o-3", customer: { email: "buyer@example.org" } })).status).toBe(404);
  expect((await gql(users.ownerA, UPDATE, { input: { dataProcessorId: created.dataProcessorId, status: "active" } })).body.errors).toBeUndefined();

  // Rotation: the old key stops, the new one works.
  const rotated = await gql(users.ownerA, ROTATE, { id: created.dataProcessorId });
  const fresh = (rotated.body.data as { rotateCustomIntegrationKey: { dataProcessorId: string; apiKey: string; webhookAuth: string } }).rotateCustomIntegrationKey;
  expect(fresh).toEqual({ dataProcessorId: created.dataProcessorId, apiKey: expect.stringMatching(/^ck_/), webhookAuth: `Bearer ${fresh.apiKey}` });
  expect(fresh.apiKey).not.toBe(created.apiKey);
  expect((await send(created, { event: "order.placed", eventId: "o-4", customer: { email: "buyer@example.org" } })).status).toBe(401);
  const withNewKey = { ...created, webhookAuth: fresh.webhookAuth };
  expect((await send(withNewKey, { event: "order.placed", eventId: "o-5", customer: { email: "second.buyer@example.org" } })).body).toEqual({ ok: true, received: 1, stored: 1, duplicates: 0 });

  // Delete: the next webhook is refused (the API key belonged to the deleted processor: 401, conduit/README.md).
  expect((await gql(users.ownerA, DELETE, { id: created.dataProcessorId })).body).toEqual({ data: { deleteCustomIntegration: { dataProcessorId: created.dataProcessorId, deleted: true } } });
  expect((await send(withNewKey, { event: "order.placed", eventId: "o-6", customer: { email: "buyer@example.org" } })).status).toBe(401);
  expect((await gql(users.ownerA, GET, { id: created.dataProcessorId })).body).toEqual({ data: { customIntegration: null } });
  expect((await gql(users.ownerA, LIST, { controllerId: a.id })).body).toEqual({ data: { customIntegrations: [] } });
  // Intake history stays, detached from the processor (hasura/README.md, delete behaviour).
  expect(await stack.query("select count(*)::int as n from public.webhook_intake where controller_id = $1 and data_processor_id is null", [a.id])).toEqual([{ n: 3 }]);
});

test("a user of another organization, a plain member or a stranger gets an error and changes nothing", async () => {
  const created = await onboard(users.ownerA, { controllerId: a.id, name: "Tenant A app", legalBasis: "consent", ...DEFINITION });
  const before = await stack.query("select name, status, api_key_hash, event_definitions, updated_at from public.data_processors where id = $1", [created.dataProcessorId]);
  const countA = async () => (await stack.query<{ n: number }>("select count(*)::int as n from public.data_processors where controller_id = $1", [a.id]))[0].n;
  const processorsOfA = await countA();
  const notFound = (message: string) => ({ message, extensions: { code: "not_found", errorId: expect.any(String) } });

  for (const userId of [users.ownerB, users.memberA, users.outsider]) {
    expect((await gql(userId, CREATE, { input: { controllerId: a.id, name: "Intruder", legalBasis: "consent", ...DEFINITION } })).body).toEqual({ errors: [notFound("Unknown controller")] });
    expect((await gql(userId, LIST, { controllerId: a.id })).body).toEqual({ errors: [notFound("Unknown controller")] });
    expect((await gql(userId, GET, { id: created.dataProcessorId })).body).toEqual({ data: { customIntegration: null } });
    expect((await gql(userId, UPDATE, { input: { dataProcessorId: created.dataProcessorId, name: "Hijacked" } })).body).toEqual({ errors: [notFound("Unknown custom integration")] });
    expect((await gql(userId, ROTATE, { id: created.dataProcessorId })).body).toEqual({ errors: [notFound("Unknown custom integration")] });
    expect((await gql(userId, DELETE, { id: created.dataProcessorId })).body).toEqual({ errors: [notFound("Unknown custom integration")] });
  }
  expect(await stack.query("select name, status, api_key_hash, event_definitions, updated_at from public.data_processors where id = $1", [created.dataProcessorId])).toEqual(before);
  expect(await countA()).toBe(processorsOfA);
  // B's owner manages B only: onboarding there works, and A's list does not show it.
  const ofB = await onboard(users.ownerB, { controllerId: b.id, name: "Tenant B app", legalBasis: "consent", ...DEFINITION });
  expect(ofB.webhookSecret).toBe(b.webhookSecret);
  expect(((await gql(users.ownerA, LIST, { controllerId: a.id })).body.data as { customIntegrations: { dataProcessorId: string }[] }).customIntegrations.map((i) => i.dataProcessorId)).toEqual([created.dataProcessorId]);
  // A's still-valid credentials do not open B's URL.
  expect((await send({ ...created, webhookUrl: ofB.webhookUrl }, { event: "user.signup", email: "x@example.org" })).status).toBe(401);
});

test("bad input answers a validation error naming the field and stores nothing", async () => {
  const count = async () => (await stack.query<{ n: number }>("select count(*)::int as n from public.data_processors where controller_id = $1", [a.id]))[0].n;
  const start = await count();
  const invalid = (message: string) => ({ errors: [{ message, extensions: { code: "validation_failed", errorId: expect.any(String) } }] });
  const cases: [Record<string, unknown>, string][] = [
    [{ legalBasis: "vibes" }, "Invalid createCustomIntegration input"],
    [{ countryCode: "Germany" }, "Invalid createCustomIntegration input"],
    [{ name: "  " }, "Invalid createCustomIntegration input"],
    [{ eventDefinitions: [] }, "Invalid custom integration definition"],
    [{ eventDefinitions: [{ name: "has space", fields: [] }] }, "Invalid custom integration definition"],
    [{ fieldMappings: [{ event: "user.signup", path: "email", piiType: "shoe_size" }] }, "Invalid custom integration definition"],
    [{ fieldMappings: [{ event: "never.defined", path: "email", piiType: "email" }] }, "Invalid custom integration definition"],
    [{ eventDefinitions: [{ name: "a", fields: [] }, { name: "a", fields: [] }], fieldMappings: [] }, "Invalid custom integration definition"],
  ];
  for (const [change, message] of cases) {
    const { body } = await gql(users.ownerA, CREATE, { input: { controllerId: a.id, name: "Bad", legalBasis: "consent", ...DEFINITION, ...change } });
    expect({ change, body }).toEqual({ change, body: invalid(message) });
  }
  // Unset optional members sent as GraphQL nulls (a form's empty description, a mapping for every event) are accepted.
  const withNulls = await onboard(users.ownerA, {
    controllerId: a.id,
    name: "Nulls",
    legalBasis: "consent",
    purpose: null,
    countryCode: null,
    eventDefinitions: [{ name: "user.signup", description: null, fields: [{ path: "email", type: "string", required: null }] }],
    fieldMappings: [{ event: null, path: "email", piiType: "email" }],
  });
  const [stored] = await stack.query<{ event_definitions: unknown; field_mappings: unknown }>("select event_definitions, field_mappings from public.data_processors where id = $1", [withNulls.dataProcessorId]);
  expect(stored).toEqual({ event_definitions: [{ name: "user.signup", fields: [{ path: "email", type: "string", required: false }] }], field_mappings: [{ event: "*", path: "email", piiType: "email" }] });
  const created = await onboard(users.ownerA, { controllerId: a.id, name: "Good", legalBasis: "consent", ...DEFINITION });
  expect((await gql(users.ownerA, UPDATE, { input: { dataProcessorId: created.dataProcessorId, status: "deleted" } })).body).toEqual(invalid("Invalid updateCustomIntegration input"));
  // New definitions that orphan the stored mappings are refused as a whole.
  expect((await gql(users.ownerA, UPDATE, { input: { dataProcessorId: created.dataProcessorId, eventDefinitions: [{ name: "other", fields: [] }] } })).body).toEqual(invalid("Invalid custom integration definition"));
  const [row] = await stack.query<{ status: string; event_definitions: { name: string }[] }>("select status, event_definitions from public.data_processors where id = $1", [created.dataProcessorId]);
  expect({ status: row.status, events: row.event_definitions.map((d) => d.name) }).toEqual({ status: "active", events: ["user.signup"] });
  // A type the schema does not know is refused by the engine before the handler runs.
  const { body } = await gql(users.ownerA, CREATE, { input: { controllerId: a.id, name: "Bad", legalBasis: "consent", ...DEFINITION, eventDefinitions: [{ name: "x", fields: [{ path: "p", type: "date" }] }] } });
  expect(body.errors?.[0]?.extensions?.code).toBe("validation-failed");
  expect(await count()).toBe(start + 2);
});
