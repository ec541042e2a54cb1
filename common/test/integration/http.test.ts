import { Writable } from "node:stream";
import express from "express";
import request from "supertest";
import { AuthError, RateLimitedError, ValidationError } from "../../src/errors";
import { errorHandler, healthRouter, notFoundHandler, requestId } from "../../src/http";
import { createLogger } from "../../src/logger";

/** Captures the JSON log lines a logger writes. */
function captureLogs() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, logger: createLogger({ name: "test", level: "debug", destination }) };
}

function buildApp() {
  const logs = captureLogs();
  let n = 0;
  const app = express();
  app.use(requestId(() => `req-${++n}`));
  app.use(healthRouter({ service: "demo" }));
  app.post("/json", express.json({ limit: "64b" }), (req, res) => {
    res.json({ received: req.body as unknown });
  });
  app.get("/validation", () => {
    throw new ValidationError("Invalid input", [{ path: "customer.email", message: "Required" }]);
  });
  app.get("/auth", () => {
    throw new AuthError("Bad signature");
  });
  app.get("/limited", () => {
    throw new RateLimitedError("Too many requests", 12.2);
  });
  app.get("/bug", async () => {
    throw new Error("connect ECONNREFUSED postgres://admin:hunter2@db/x");
  });
  app.use(notFoundHandler());
  app.use(errorHandler({ logger: logs.logger, generateErrorId: () => "generated" }));
  return { app, logs };
}

describe("shared HTTP pieces", () => {
  it("GET /healthz answers 200 with the service name", async () => {
    const { app } = buildApp();
    const res = await request(app).get("/healthz").expect(200);
    expect(res.body).toEqual({ status: "ok", service: "demo" });
    expect(res.headers["x-request-id"]).toBe("req-1");
  });

  it("keeps a well-formed incoming x-request-id and replaces a malformed one", async () => {
    const { app } = buildApp();
    const kept = await request(app).get("/healthz").set("x-request-id", "abc-123").expect(200);
    expect(kept.headers["x-request-id"]).toBe("abc-123");
    const replaced = await request(app).get("/healthz").set("x-request-id", "bob@example.com has spaces").expect(200);
    expect(replaced.headers["x-request-id"]).toBe("req-1");
  });

  it("answers an unknown route with a JSON 404", async () => {
    const { app } = buildApp();
    const res = await request(app).get("/nope").expect(404);
    expect(res.body).toEqual({ error: { code: "not_found", message: "No such route", errorId: "req-1" } });
  });

  it("maps a ValidationError to 400 with issue paths and logs a warning without values", async () => {
    const { app, logs } = buildApp();
    const res = await request(app).get("/validation").expect(400);
    expect(res.body).toEqual({
      error: { code: "validation_failed", message: "Invalid input", issues: [{ path: "customer.email", message: "Required" }], errorId: "req-1" },
    });
    const line = logs.lines.find((l) => l.msg === "request rejected");
    expect(line).toMatchObject({ level: 40, code: "validation_failed", status: 400, requestId: "req-1", errorId: "req-1" });
  });

  it("maps AuthError to 401 and RateLimitedError to 429 with retry-after", async () => {
    const { app } = buildApp();
    const auth = await request(app).get("/auth").expect(401);
    expect(auth.body.error).toEqual({ code: "unauthorized", message: "Bad signature", errorId: "req-1" });
    const limited = await request(app).get("/limited").expect(429);
    expect(limited.headers["retry-after"]).toBe("13");
    expect(limited.body.error.code).toBe("rate_limited");
  });

  it("masks an unexpected error as 500 internal and logs it under the same id", async () => {
    const { app, logs } = buildApp();
    const res = await request(app).get("/bug").expect(500);
    expect(res.body).toEqual({ error: { code: "internal", message: "Internal error; the request can be retried", errorId: "req-1" } });
    expect(res.text).not.toContain("hunter2");
    expect(res.text).not.toContain("ECONNREFUSED");
    const line = logs.lines.find((l) => l.msg === "request failed");
    expect(line).toMatchObject({ level: 50, errorId: "req-1", status: 500 });
  });

  it("turns malformed JSON into 400 and an oversized body into 413", async () => {
    const { app } = buildApp();
    const bad = await request(app).post("/json").set("content-type", "application/json").send('{"a":').expect(400);
    expect(bad.body.error).toEqual({ code: "validation_failed", message: "Request body is not valid JSON", errorId: "req-1" });
    const big = await request(app).post("/json").send({ text: "x".repeat(200) }).expect(413);
    expect(big.body.error).toEqual({ code: "payload_too_large", message: "Request body is too large", errorId: "req-2" });
  });

  it("answers 503 naming the failing checks, and treats a hung check as failing", async () => {
    const app = express();
    app.use(
      healthRouter({
        service: "demo",
        timeoutMs: 50,
        checks: [
          { name: "database", check: async () => undefined },
          { name: "engine", check: () => Promise.reject(new Error("ECONNREFUSED 10.0.0.1")) },
          { name: "smtp", check: () => new Promise<void>(() => undefined) },
        ],
      }),
    );
    const res = await request(app).get("/healthz").expect(503);
    expect(res.body).toEqual({ status: "unavailable", service: "demo", failing: ["engine", "smtp"] });
  });
});
