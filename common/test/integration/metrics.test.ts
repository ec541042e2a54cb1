import express from "express";
import request from "supertest";
import { createMetrics } from "../../src/metrics";

/** A clock that advances by a fixed step each time it is read. */
function steppingClock(stepSeconds: number): () => number {
  let t = 1000;
  return () => {
    const value = t;
    t += stepSeconds;
    return value;
  };
}

function buildApp() {
  const metrics = createMetrics({ service: "demo", collectDefaults: false, now: steppingClock(0.03) });
  const app = express();
  app.use(metrics.middleware);
  app.get("/metrics", metrics.handler);
  app.get("/items/:id", (_req, res) => {
    res.json({ ok: true });
  });
  app.post("/fail", (_req, res) => {
    res.status(503).json({ error: { code: "internal", message: "down" } });
  });
  return { app, metrics };
}

describe("createMetrics", () => {
  it("counts requests by route pattern and status in Prometheus text format", async () => {
    const { app } = buildApp();
    await request(app).get("/items/alice@example.com").expect(200);
    await request(app).get("/items/42").expect(200);
    await request(app).post("/fail").expect(503);
    await request(app).get("/nowhere").expect(404);

    const res = await request(app).get("/metrics").expect(200);
    expect(res.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
    const lines = res.text.split("\n");
    expect(lines).toContain("# TYPE http_requests_total counter");
    expect(lines).toContain('http_requests_total{service="demo",method="GET",route="/items/:id",status="200"} 2');
    expect(lines).toContain('http_requests_total{service="demo",method="POST",route="/fail",status="503"} 1');
    expect(lines).toContain('http_requests_total{service="demo",method="GET",route="unmatched",status="404"} 1');
    // The raw path (which here holds an e-mail address) never becomes a label.
    expect(res.text).not.toContain("alice");
  });

  it("observes latency from the injected clock into the duration histogram", async () => {
    const { app } = buildApp();
    await request(app).get("/items/1").expect(200);
    const res = await request(app).get("/metrics").expect(200);
    const lines = res.text.split("\n");
    expect(lines).toContain("# TYPE http_request_duration_seconds histogram");
    // Clock steps 0.03 s between arrival and finish: lands in le=0.05, not le=0.025.
    expect(lines).toContain('http_request_duration_seconds_bucket{le="0.025",service="demo",method="GET",route="/items/:id",status="200"} 0');
    expect(lines).toContain('http_request_duration_seconds_bucket{le="0.05",service="demo",method="GET",route="/items/:id",status="200"} 1');
    expect(lines).toContain('http_request_duration_seconds_count{service="demo",method="GET",route="/items/:id",status="200"} 1');
    const sum = lines.find((l) => l.startsWith('http_request_duration_seconds_sum{service="demo",method="GET",route="/items/:id"'));
    expect(sum).toBeDefined();
    expect(Number(sum?.split(" ")[1])).toBeCloseTo(0.03, 6);
  });

  it("keeps apps apart: each instance has its own registry", async () => {
    const a = buildApp();
    const b = buildApp();
    await request(a.app).get("/items/1").expect(200);
    const res = await request(b.app).get("/metrics").expect(200);
    expect(res.text).not.toContain('route="/items/:id"');
  });

  it("adds process and runtime metrics when collectDefaults is on", async () => {
    const metrics = createMetrics({ service: "demo" });
    const text = await metrics.registry.metrics();
    expect(text).toContain('process_cpu_user_seconds_total{service="demo"}');
    expect(text).toContain("# TYPE nodejs_eventloop_lag_seconds gauge");
  });
});
