/**
 * The benchmark's webhook receiver, in its own process so it does not share an
 * event loop with the worker under test. Answers 200 at once, records each
 * event id with its arrival time (ms since the epoch), and reports them over
 * IPC when the parent sends "report".
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const arrivals = new Map<string, number>();
let duplicates = 0;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const at = Date.now();
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { id?: unknown };
      if (typeof body.id === "string") {
        if (arrivals.has(body.id)) duplicates += 1;
        else arrivals.set(body.id, at);
      }
    } catch {
      // not an event body: still answer 200
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"ok":true}');
  });
});
server.keepAliveTimeout = 60_000;

server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  process.send?.({ type: "listening", port });
});

process.on("message", (message: unknown) => {
  if (message === "report") {
    process.send?.({ type: "report", arrivals: [...arrivals.entries()], duplicates });
  } else if (message === "reset") {
    arrivals.clear();
    duplicates = 0;
    process.send?.({ type: "reset" });
  } else if (message === "cpu") {
    const usage = process.cpuUsage();
    process.send?.({ type: "cpu", ms: (usage.user + usage.system) / 1000 });
  } else if (message === "count") {
    process.send?.({ type: "count", count: arrivals.size });
  }
});
