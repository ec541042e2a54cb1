/**
 * The keep-alive fetch the GraphQL clients use (common/src/graphql/node-fetch.ts),
 * against real HTTP servers on loopback: what goes out, what comes back, and
 * fetch's failure semantics (timeout, refused connection, abort, the
 * keep-alive race).
 */
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { createAdminClient } from "../../src/graphql/admin-client";
import { createNodeFetch } from "../../src/graphql/node-fetch";

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  socket: Socket;
}

async function serve(answer: (seen: Seen, res: http.ServerResponse) => void): Promise<{ url: string; seen: Seen[]; connections: () => number; close(): Promise<void> }> {
  const seen: Seen[] = [];
  let connections = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const s = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), socket: req.socket };
      seen.push(s);
      answer(s, res);
    });
  });
  server.on("connection", () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/graphql`,
    seen,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const json = (res: http.ServerResponse, status: number, body: unknown): void => {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), "x-trace": "abc" });
  res.end(text);
};

test("sends method, headers and body; gives back status, headers and body; reuses one connection", async () => {
  const server = await serve((_s, res) => json(res, 200, { data: { ok: true } }));
  try {
    const fetch = createNodeFetch({ timeoutMs: 2000 });
    for (let i = 0; i < 3; i++) {
      const res = await fetch(server.url, { method: "POST", headers: { "content-type": "application/json", "x-hasura-admin-secret": "s3cret" }, body: JSON.stringify({ query: "{ a }", n: i }) });
      expect(res.status).toBe(200);
      expect(res.ok).toBe(true);
      expect(res.headers.get("x-trace")).toBe("abc");
      expect(await res.json()).toEqual({ data: { ok: true } });
    }
    expect(server.seen.map((s) => [s.method, s.url, s.headers["x-hasura-admin-secret"], s.headers["content-length"], JSON.parse(s.body)])).toEqual([0, 1, 2].map((n) => ["POST", "/v1/graphql", "s3cret", String(JSON.stringify({ query: "{ a }", n }).length), { query: "{ a }", n }]));
    expect(server.connections()).toBe(1);
  } finally {
    await server.close();
  }
});

test("an HTTP error status resolves (the caller decides); 204 has no body", async () => {
  const server = await serve((s, res) => (s.body === "empty" ? res.writeHead(204).end() : json(res, 500, { error: "boom" })));
  try {
    const fetch = createNodeFetch({ timeoutMs: 2000 });
    const failed = await fetch(server.url, { method: "POST", body: "x" });
    expect([failed.status, failed.ok, await failed.json()]).toEqual([500, false, { error: "boom" }]);
    const empty = await fetch(server.url, { method: "POST", body: "empty" });
    expect([empty.status, await empty.text()]).toEqual([204, ""]);
  } finally {
    await server.close();
  }
});

test("a server that never answers: rejects with a TimeoutError after timeoutMs", async () => {
  const server = await serve(() => undefined);
  try {
    const fetch = createNodeFetch({ timeoutMs: 150 });
    const started = Date.now();
    await expect(fetch(server.url, { method: "POST", body: "{}" })).rejects.toMatchObject({ name: "TimeoutError" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  } finally {
    await server.close();
  }
});

test("a refused connection rejects as fetch does: TypeError 'fetch failed' with the cause", async () => {
  const server = await serve(() => undefined);
  const url = server.url;
  await server.close();
  const fetch = createNodeFetch({ timeoutMs: 2000 });
  const err: unknown = await fetch(url, { method: "POST", body: "{}" }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TypeError);
  expect((err as TypeError).message).toBe("fetch failed");
  expect(((err as TypeError).cause as NodeJS.ErrnoException).code).toBe("ECONNREFUSED");
});

test("the caller's AbortSignal aborts the request with its reason", async () => {
  const server = await serve(() => undefined);
  try {
    const fetch = createNodeFetch({ timeoutMs: 5000 });
    const controller = new AbortController();
    const pending = fetch(server.url, { method: "POST", body: "{}", signal: controller.signal });
    controller.abort(new Error("caller gave up"));
    await expect(pending).rejects.toThrow("caller gave up");
  } finally {
    await server.close();
  }
});

test("a kept-alive connection the server drops as the next request arrives: sent again on a fresh connection", async () => {
  // The second request on the first connection is cut off without an answer,
  // as when the server closed an idle connection the client was reusing.
  const server = await serve((s, res) => {
    if (s.socket === server.seen[0]?.socket && server.seen.filter((x) => x.socket === s.socket).length === 2) {
      s.socket.destroy();
      return;
    }
    json(res, 200, { data: { n: server.seen.length } });
  });
  try {
    const fetch = createNodeFetch({ timeoutMs: 2000 });
    expect(await (await fetch(server.url, { method: "POST", body: "1" })).json()).toEqual({ data: { n: 1 } });
    expect(await (await fetch(server.url, { method: "POST", body: "2" })).json()).toEqual({ data: { n: 3 } });
    expect(server.connections()).toBe(2);
  } finally {
    await server.close();
  }
});

test("createAdminClient runs a GraphQL operation through it with the admin secret", async () => {
  const server = await serve((s, res) => json(res, 200, { data: { echo: JSON.parse(s.body).variables.v } }));
  try {
    const client = createAdminClient({ endpoint: server.url, adminSecret: "admin-s", timeoutMs: 2000 });
    expect(await client.request<{ echo: string }>("query Q($v: String!) { echo(v: $v) }", { v: "hello" })).toEqual({ echo: "hello" });
    expect(server.seen[0].headers["x-hasura-admin-secret"]).toBe("admin-s");
    expect(server.seen[0].headers["content-type"]).toContain("application/json");
  } finally {
    await server.close();
  }
});
