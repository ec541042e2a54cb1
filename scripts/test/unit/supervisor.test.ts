import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { findFreePort } from "../../../common/src/db/embedded";
import { waitForHealthy, withTimeout } from "../../lib/supervisor";

/** A /healthz server whose answers follow `statuses`, then repeat the last one. */
async function healthServer(statuses: number[]): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((_req, res) => {
    const status = statuses[Math.min(hits, statuses.length - 1)];
    hits += 1;
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: status === 200 ? "ok" : "unavailable", failing: status === 200 ? [] : ["graphql"] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/healthz`,
    hits: () => hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe("waitForHealthy", () => {
  it("is healthy once the service answers 2xx, even after a few 503s", async () => {
    const server = await healthServer([503, 503, 200]);
    try {
      await expect(waitForHealthy(server.url, { timeoutMs: 5000, degradedGraceMs: 5000, intervalMs: 10 })).resolves.toEqual({ state: "healthy" });
      expect(server.hits()).toBe(3);
    } finally {
      await server.close();
    }
  });

  it("settles on degraded, with the status and body, when it keeps answering non-2xx past the grace", async () => {
    const server = await healthServer([503]);
    try {
      const outcome = await waitForHealthy(server.url, { timeoutMs: 5000, degradedGraceMs: 100, intervalMs: 10 });
      expect(outcome).toEqual({ state: "degraded", status: 503, body: '{"status":"unavailable","failing":["graphql"]}' });
    } finally {
      await server.close();
    }
  });

  it("does not take a stranger answering 200 on the port for the service", async () => {
    const server = await healthServer([200]);
    try {
      const outcome = await waitForHealthy(server.url, {
        timeoutMs: 300,
        degradedGraceMs: 100,
        intervalMs: 20,
        isExpectedBody: (body) => body.includes('"service":"handlers"'),
      });
      expect(outcome).toEqual({ state: "down" });
      expect(server.hits()).toBeGreaterThan(1);
    } finally {
      await server.close();
    }
  });

  it("is down when nothing listens before the deadline", async () => {
    const port = await findFreePort();
    const started = Date.now();
    await expect(waitForHealthy(`http://127.0.0.1:${port}/healthz`, { timeoutMs: 300, degradedGraceMs: 100, intervalMs: 20 })).resolves.toEqual({ state: "down" });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("stops waiting at once when the caller gives up (the process died)", async () => {
    const port = await findFreePort();
    const started = Date.now();
    await expect(waitForHealthy(`http://127.0.0.1:${port}/healthz`, { timeoutMs: 10_000, degradedGraceMs: 100, gaveUp: () => true })).resolves.toEqual({ state: "down" });
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe("withTimeout", () => {
  it("returns the promise's value when it settles in time, the fallback otherwise", async () => {
    await expect(withTimeout(Promise.resolve("done"), 1000, "late")).resolves.toBe("done");
    await expect(withTimeout(new Promise<string>(() => undefined), 20, "late")).resolves.toBe("late");
  });
});
