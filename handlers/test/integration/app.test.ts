import { Writable } from "node:stream";
import request from "supertest";
import { AuthError, ValidationError } from "../../../common/src/errors";
import { createLogger } from "../../../common/src/logger";
import { createApp } from "../../src/app";
import { createRegistry } from "../../src/registry";
import type { EventEnvelope } from "../../src/http/envelopes";

const SECRET = "test-handlers-secret-0123456789";

function captureLogs() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, logger: createLogger({ name: "handlers", level: "debug", destination }) };
}

/** An event-trigger body shaped as hasura-contract.md 1.5 describes. */
function eventBody(triggerName: string, row: Record<string, unknown> = { id: "3f7c0d2e-1111-4aaa-8bbb-000000000001" }) {
  return {
    id: "28a9b42c-2695-492a-9012-46ef83478e63",
    created_at: "2024-05-09T08:03:05.402964Z",
    trigger: { name: triggerName },
    table: { schema: "public", name: "webhook_intake" },
    delivery_info: { current_retry: 0, max_retries: 5 },
    event: { op: "INSERT", session_variables: { "x-hasura-role": "conduit" }, data: { old: null, new: row }, trace_context: null },
  };
}

const cronBody = (name: string) => ({ id: "9a3e0000-0000-4000-8000-000000000000", name, scheduled_time: "2024-06-01T08:00:00Z", payload: { job: "dsar" } });
const actionBody = (name: string) => ({
  action: { name },
  input: { input: { email: "subject@example.org", requestType: "access" } },
  session_variables: { "x-hasura-role": "anonymous" },
  request_query: "mutation { x }",
});

describe("handlers app (shell, empty registry)", () => {
  const { logger, lines } = captureLogs();
  const app = createApp({ webhookSecret: SECRET, logger });

  it("GET /healthz answers 200 without a secret", async () => {
    const res = await request(app).get("/healthz").expect(200);
    expect(res.body).toEqual({ status: "ok", service: "handlers" });
  });

  it("GET /metrics serves Prometheus text with request and delivery counters", async () => {
    await request(app).post("/events").set("x-handlers-secret", SECRET).send(eventBody("nobody_home")).expect(404);
    const res = await request(app).get("/metrics").expect(200);
    expect(res.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(res.text).toContain('http_requests_total{service="handlers",method="POST",route="/events",status="404"} 1');
    expect(res.text).toContain('handlers_deliveries_total{kind="event",name="unknown",outcome="unknown_name",service="handlers"} 1');
  });

  it("POST /events with an unknown trigger name answers 404 with a JSON error", async () => {
    const res = await request(app).post("/events").set("x-handlers-secret", SECRET).send(eventBody("no_such_trigger")).expect(404);
    expect(res.body).toEqual({
      error: { code: "not_found", message: 'No handler for event trigger "no_such_trigger"', errorId: res.headers["x-request-id"] },
    });
  });

  it("POST /crons/:name with an unknown cron answers 404 with a JSON error", async () => {
    const res = await request(app).post("/crons/no_such_cron").set("x-handlers-secret", SECRET).send(cronBody("no_such_cron")).expect(404);
    expect(res.body.error).toEqual({ code: "not_found", message: 'No handler for cron trigger "no_such_cron"', errorId: res.headers["x-request-id"] });
  });

  it("POST /actions/:name with an unknown action answers 404 in Hasura's action error shape", async () => {
    const res = await request(app).post("/actions/noSuchAction").set("x-handlers-secret", SECRET).send(actionBody("noSuchAction")).expect(404);
    expect(res.body).toEqual({ message: 'No handler for action "noSuchAction"', extensions: { code: "not_found", errorId: res.headers["x-request-id"] } });
  });

  it.each([
    ["/events", () => eventBody("anything")],
    ["/crons/anything", () => cronBody("anything")],
  ])("POST %s without x-handlers-secret answers 401, before the body is even parsed", async (path, body) => {
    const res = await request(app).post(path).send(body()).expect(401);
    expect(res.body.error).toEqual({ code: "unauthorized", message: "Missing x-handlers-secret header", errorId: res.headers["x-request-id"] });
    // Malformed JSON would be a 400 if it were parsed first.
    await request(app).post(path).set("content-type", "application/json").send("{").expect(401);
  });

  it.each(["/events", "/crons/anything", "/actions/anything"])("POST %s with a wrong secret answers 401", async (path) => {
    for (const wrong of ["nope", `${SECRET}x`, SECRET.slice(0, -1)]) {
      const res = await request(app).post(path).set("x-handlers-secret", wrong).send({}).expect(401);
      expect(JSON.stringify(res.body)).toContain("Wrong x-handlers-secret header");
      expect(JSON.stringify(res.body)).not.toContain(SECRET);
    }
  });

  it("POST /actions/:name without a secret answers 401 in Hasura's action error shape", async () => {
    const res = await request(app).post("/actions/insertRightsRequest").send(actionBody("insertRightsRequest")).expect(401);
    expect(res.body).toEqual({ message: "Missing x-handlers-secret header", extensions: { code: "unauthorized", errorId: res.headers["x-request-id"] } });
  });

  it("answers 400 with issue paths for a malformed event envelope", async () => {
    const res = await request(app).post("/events").set("x-handlers-secret", SECRET).send({ trigger: {} }).expect(400);
    expect(res.body.error.code).toBe("validation_failed");
    expect(res.body.error.issues).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: "id" }), expect.objectContaining({ path: "trigger.name" })]),
    );
  });

  it("answers 400 for a body that is not JSON and 404 for unknown routes", async () => {
    const bad = await request(app).post("/events").set("x-handlers-secret", SECRET).set("content-type", "application/json").send("{").expect(400);
    expect(bad.body.error).toMatchObject({ code: "validation_failed", message: "Request body is not valid JSON" });
    const missing = await request(app).get("/nowhere").expect(404);
    expect(missing.body.error).toMatchObject({ code: "not_found" });
  });

  it("never logs the secret header", () => {
    expect(JSON.stringify(lines)).not.toContain(SECRET);
  });
});

describe("handlers app dispatch (registry supplied by the caller)", () => {
  const calls: string[] = [];
  const fixedNow = new Date("2026-01-01T00:00:00Z");
  const registry = createRegistry({
    events: [
      {
        name: "intake_created",
        handle: async (event: EventEnvelope, ctx) => {
          calls.push(`event:${event.trigger.name}:${event.event.op}:${ctx.now().toISOString()}`);
          return { ok: true };
        },
      },
      {
        name: "always_transient",
        handle: async () => {
          throw new Error("engine unreachable at postgres://user:pw@db");
        },
      },
    ],
    crons: [{ name: "dsar_compliance_check", handle: async (cron) => ({ ok: true, scheduled: cron.scheduled_time }) }],
    actions: [
      {
        name: "insertRightsRequest",
        handle: async (call) => {
          if (call.input.input === undefined) throw new ValidationError("input is required");
          return { id: "r-1" };
        },
      },
      {
        name: "needsLogin",
        handle: async () => {
          throw new AuthError("Verification token expired");
        },
      },
    ],
  });
  const app = createApp({ webhookSecret: SECRET, logger: captureLogs().logger, registry, now: () => fixedNow });
  const post = (path: string, body: unknown) => request(app).post(path).set("x-handlers-secret", SECRET).send(body as object);

  it("routes an event to the handler registered under its trigger name and answers 200", async () => {
    const res = await post("/events", eventBody("intake_created")).expect(200);
    expect(res.body).toEqual({ ok: true });
    expect(calls).toEqual(["event:intake_created:INSERT:2026-01-01T00:00:00.000Z"]);
  });

  it("answers 500 with a masked body when a handler fails unexpectedly, so Hasura retries", async () => {
    const res = await post("/events", eventBody("always_transient")).expect(500);
    expect(res.body.error).toEqual({ code: "internal", message: "Internal error; the request can be retried", errorId: res.headers["x-request-id"] });
    expect(res.text).not.toContain("postgres://");
  });

  it("routes a cron by URL name and rejects a body naming another cron", async () => {
    const ok = await post("/crons/dsar_compliance_check", cronBody("dsar_compliance_check")).expect(200);
    expect(ok.body).toEqual({ ok: true, scheduled: "2024-06-01T08:00:00Z" });
    const mismatch = await post("/crons/dsar_compliance_check", cronBody("monthly_usage_check")).expect(400);
    expect(mismatch.body.error.issues).toEqual([{ path: "name", message: 'expected "dsar_compliance_check"' }]);
  });

  it("answers an action with its output, and its errors in Hasura's action shape", async () => {
    const ok = await post("/actions/insertRightsRequest", actionBody("insertRightsRequest")).expect(200);
    expect(ok.body).toEqual({ id: "r-1" });
    const invalid = await post("/actions/insertRightsRequest", { ...actionBody("insertRightsRequest"), input: {} }).expect(400);
    expect(invalid.body).toEqual({ message: "input is required", extensions: { code: "validation_failed", errorId: invalid.headers["x-request-id"] } });
    const denied = await post("/actions/needsLogin", actionBody("needsLogin")).expect(401);
    expect(denied.body).toMatchObject({ message: "Verification token expired", extensions: { code: "unauthorized" } });
    const mismatch = await post("/actions/insertRightsRequest", actionBody("needsLogin")).expect(400);
    expect(mismatch.body.extensions.code).toBe("validation_failed");
  });

  it("refuses to register a name twice", () => {
    const twice = { name: "x", handle: async () => ({}) };
    expect(() => createRegistry({ crons: [twice, twice] })).toThrow('[handlers/registry] cron trigger "x" registered twice');
  });
});
