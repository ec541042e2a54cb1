/**
 * Actions through a real engine (createEngine) and a real local handler
 * (hasura-contract.md 3.2-3.4): placement by role, the request body and
 * headers, output checking, error passthrough, timeouts.
 */
import { join } from "node:path";
import request from "supertest";
import { applyMigrations } from "../../../common/src/db/migrate";
import { createTestDatabase, type TestDatabase } from "../../../test/helpers/pg";
import { createActionsExtension } from "../../src/actions/extension";
import { createEngine, type Engine } from "../../src/server";
import { startReceiver, type Receiver, type Reply } from "../events/helpers/receiver";

const PROJECT = join(__dirname, "..", "fixtures", "actions-project");
const ADMIN_SECRET = "actions-admin-secret";
let db: TestDatabase;
let handler: Receiver;
let engine: Engine;

beforeAll(async () => {
  db = await createTestDatabase("actions");
  await applyMigrations(db.url, join(PROJECT, "migrations"));
  handler = await startReceiver();
  engine = await createEngine({
    databaseUrl: db.url,
    projectDir: PROJECT,
    adminSecret: ADMIN_SECRET,
    unauthorizedRole: "anonymous",
    poolSize: 3,
    env: { ACTIONS_URL: handler.url, HANDLER_SECRET: "handler-s3cret" },
    extensions: [createActionsExtension()],
  });
});

afterAll(async () => {
  await engine.close();
  await handler.close();
  await db.drop();
});

beforeEach(() => {
  handler.requests.length = 0;
});

function reply(r: Reply): void {
  handler.setResponder(() => r);
}

function asUser(query: string, variables?: Record<string, unknown>) {
  return request(engine.app)
    .post("/v1/graphql")
    .set("x-hasura-admin-secret", ADMIN_SECRET)
    .set("x-hasura-role", "user")
    .set("x-hasura-user-id", "5")
    .set("x-request-source", "web")
    .set("user-agent", "test-client/1.0")
    .send({ query, variables });
}

const CREATE = "mutation Create($email: String!) { made: createAccount(input: {email: $email}) { id status plan } }";

describe("a successful call", () => {
  test("POSTs Hasura's body and headers and answers the selection of the handler's JSON", async () => {
    reply({ status: 200, body: JSON.stringify({ id: "6f1c1c52-8d5e-4a6a-9c1e-2b8e8f5b0a11", status: "open", plan: "pro", extra: "ignored" }) });
    const res = await asUser(CREATE, { email: "a@example.test" });
    expect(res.body).toEqual({ data: { made: { id: "6f1c1c52-8d5e-4a6a-9c1e-2b8e8f5b0a11", status: "open", plan: "pro" } } });

    const [call] = handler.requests;
    expect(call.path).toBe("/create-account");
    expect(call.body).toEqual({
      action: { name: "createAccount" },
      input: { input: { email: "a@example.test", plan: "free" } },
      session_variables: { "x-hasura-role": "user", "x-hasura-user-id": "5" },
      request_query: CREATE,
    });
    expect(call.headers["content-type"]).toBe("application/json");
    expect(call.headers["x-handler-secret"]).toBe("handler-s3cret");
    // forward_client_headers: other client headers pass, x-hasura-* never do.
    expect(call.headers["x-request-source"]).toBe("web");
    expect(call.headers["x-forwarded-user-agent"]).toBe("test-client/1.0");
    expect(call.headers["x-hasura-admin-secret"]).toBeUndefined();
    expect(call.headers["x-hasura-role"]).toBeUndefined();
  });

  test("a query action returning a list for a list type", async () => {
    reply({ status: 200, body: JSON.stringify([{ id: "6f1c1c52-8d5e-4a6a-9c1e-2b8e8f5b0a11", active: true }]) });
    const res = await request(engine.app).post("/v1/graphql").set("x-hasura-admin-secret", ADMIN_SECRET).send({ query: "{ listAccounts(limit: 1) { id active } }" });
    expect(res.body).toEqual({ data: { listAccounts: [{ id: "6f1c1c52-8d5e-4a6a-9c1e-2b8e8f5b0a11", active: true }] } });
    expect((handler.requests[0].body as { session_variables: unknown }).session_variables).toEqual({ "x-hasura-role": "admin" });
  });
});

describe("handler errors (contract 3.4)", () => {
  test("a 4xx with message and extensions becomes a GraphQL error with that message and exactly those extensions", async () => {
    reply({ status: 400, body: JSON.stringify({ message: "e-mail already registered", extensions: { code: "email-taken", retryable: false } }) });
    const res = await asUser(CREATE, { email: "dup@example.test" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      errors: [{ message: "e-mail already registered", extensions: { code: "email-taken", retryable: false } }],
    });
  });

  test("a 4xx with message and code keeps the code", async () => {
    reply({ status: 422, body: JSON.stringify({ message: "bad plan", code: "invalid-plan" }) });
    const res = await asUser(CREATE, { email: "x@example.test" });
    expect(res.body).toEqual({ errors: [{ message: "bad plan", extensions: { path: "$", code: "invalid-plan" } }] });
  });

  test("a 4xx with only a message is `unexpected`", async () => {
    reply({ status: 400, body: JSON.stringify({ message: "no" }) });
    const res = await asUser(CREATE, { email: "x@example.test" });
    expect(res.body).toEqual({ errors: [{ message: "no", extensions: { path: "$", code: "unexpected" } }] });
  });

  test("a 5xx is `internal error`", async () => {
    reply({ status: 503, body: JSON.stringify({ message: "down" }) });
    const res = await asUser(CREATE, { email: "x@example.test" });
    expect(res.body).toEqual({ errors: [{ message: "internal error", extensions: { path: "$", code: "unexpected" } }] });
  });

  test("a missing required field and a null required field are named", async () => {
    reply({ status: 200, body: JSON.stringify({ id: "6f1c1c52-8d5e-4a6a-9c1e-2b8e8f5b0a11" }) });
    const missing = await asUser(CREATE, { email: "x@example.test" });
    expect(missing.body).toEqual({ errors: [{ message: 'field "status" expected in webhook response, but not found', extensions: { path: "$", code: "unexpected" } }] });
    reply({ status: 200, body: JSON.stringify({ id: "6f1c1c52-8d5e-4a6a-9c1e-2b8e8f5b0a11", status: null }) });
    const nulled = await asUser(CREATE, { email: "x@example.test" });
    expect(nulled.body).toEqual({ errors: [{ message: 'expecting not null value for field "status"', extensions: { path: "$", code: "unexpected" } }] });
  });

  test("an object where a list is expected, a scalar for an object, and a non-JSON body", async () => {
    reply({ status: 200, body: JSON.stringify({ id: "x", active: true }) });
    const notList = await request(engine.app).post("/v1/graphql").set("x-hasura-admin-secret", ADMIN_SECRET).send({ query: "{ listAccounts { id } }" });
    expect(notList.body.errors[0]).toEqual({ message: "expecting array for the action webhook response", extensions: { path: "$", code: "unexpected" } });
    reply({ status: 200, body: "42" });
    const scalar = await asUser(CREATE, { email: "x@example.test" });
    expect(scalar.body.errors[0]).toEqual({ message: "expecting object or array of objects for action webhook response", extensions: { path: "$", code: "parse-failed" } });
    reply({ status: 200, body: "<html>" });
    const html = await asUser(CREATE, { email: "x@example.test" });
    expect(html.body.errors[0]).toEqual({ message: "not a valid json response from webhook", extensions: { path: "$", code: "unexpected" } });
  });

  test("a handler slower than the action's timeout is an http exception", async () => {
    reply({ hang: true });
    const res = await asUser(CREATE, { email: "slow@example.test" });
    expect(res.body).toEqual({ errors: [{ message: "http exception when calling webhook", extensions: { path: "$", code: "unexpected" } }] });
  });
});

describe("permissions (contract 3.2)", () => {
  test("a role without the action does not see it", async () => {
    // anonymous may call no mutation at all, so it has no mutation_root (Hasura's answer).
    const res = await request(engine.app).post("/v1/graphql").send({ query: 'mutation { createAccount(input: {email: "a@b.c"}) { id } }' });
    expect(res.body).toEqual({ errors: [{ message: "no mutations exist", extensions: { path: "$", code: "validation-failed" } }] });
    // user has query fields, but listAccounts (admin only) is not one of them.
    const user = await asUser("{ listAccounts { id } }");
    expect(user.body).toEqual({
      errors: [{ message: "field 'listAccounts' not found in type: 'query_root'", extensions: { path: "$.selectionSet.listAccounts", code: "validation-failed" } }],
    });
    expect(handler.requests).toHaveLength(0);
  });

  test("a role listed in the action's permissions calls it", async () => {
    reply({ status: 200, body: JSON.stringify({ id: "6f1c1c52-8d5e-4a6a-9c1e-2b8e8f5b0a11", active: false }) });
    const res = await request(engine.app)
      .post("/v1/graphql")
      .send({ query: '{ accountStatus(accountId: "6f1c1c52-8d5e-4a6a-9c1e-2b8e8f5b0a11") { active } }' });
    expect(res.body).toEqual({ data: { accountStatus: { active: false } } });
    expect((handler.requests[0].body as { input: unknown; session_variables: unknown }).input).toEqual({ accountId: "6f1c1c52-8d5e-4a6a-9c1e-2b8e8f5b0a11" });
    expect((handler.requests[0].body as { session_variables: unknown }).session_variables).toEqual({ "x-hasura-role": "anonymous" });
  });
});

describe("relationships from output types to tables (contract 3.1)", () => {
  const VISIBLE = "0b7f8a56-1111-4c1e-9a7e-000000000001";
  const HIDDEN = "0b7f8a56-1111-4c1e-9a7e-000000000002";

  beforeAll(async () => {
    await engine.pool.query("insert into account (id, email) values ($1, 'seen@example.test'), ($2, 'hidden@example.test'), (gen_random_uuid(), 'seen@example.test')", [
      VISIBLE,
      HIDDEN,
    ]);
  });

  test("an object relationship returns the row the output's id maps to, with aliases and fragments", async () => {
    reply({ status: 200, body: JSON.stringify({ id: VISIBLE, status: "open" }) });
    const res = await asUser(
      "mutation { createAccount(input: {email: \"seen@example.test\"}) { status acct: account { ...A } } } fragment A on account { mail: email id }",
    );
    expect(res.body).toEqual({ data: { createAccount: { status: "open", acct: { mail: "seen@example.test", id: VISIBLE } } } });
  });

  test("the role's select permission filters the related row", async () => {
    reply({ status: 200, body: JSON.stringify({ id: HIDDEN, status: "open" }) });
    const res = await asUser('mutation { createAccount(input: {email: "hidden@example.test"}) { account { email } } }');
    expect(res.body).toEqual({ data: { createAccount: { account: null } } });
  });

  test("an array relationship returns every mapped row the role may see", async () => {
    reply({ status: 200, body: JSON.stringify({ id: VISIBLE, active: true, email: "seen@example.test" }) });
    const res = await asUser(`{ accountStatus(accountId: "${VISIBLE}") { sameEmail { email } } }`);
    expect(res.body).toEqual({ data: { accountStatus: { sameEmail: [{ email: "seen@example.test" }, { email: "seen@example.test" }] } } });
  });

  test("a role that may not select the table's columns gets only what its permission allows", async () => {
    reply({ status: 200, body: JSON.stringify({ id: VISIBLE, active: true, email: "seen@example.test" }) });
    const res = await request(engine.app).post("/v1/graphql").send({ query: `{ accountStatus(accountId: "${VISIBLE}") { sameEmail { email } } }` });
    expect(res.body).toEqual({
      errors: [{ message: "field 'email' not found in type: 'account'", extensions: { path: "$.selectionSet.accountStatus.selectionSet.sameEmail.selectionSet.email", code: "validation-failed" } }],
    });
  });
});
