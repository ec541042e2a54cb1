/**
 * verify_domain_records through the real stack, resolving against a tiny
 * authoritative DNS server on 127.0.0.1 (node:dgram; RFC 1035 wire format,
 * TXT answers, NXDOMAIN and SERVFAIL on demand), reached through the same
 * node:dns Resolver and setServers path DNS_RESOLVERS configures.
 */
import { randomUUID } from "node:crypto";
import { createSocket, type Socket } from "node:dgram";
import type { AddressInfo } from "node:net";
import { createCronHandlers } from "../../src/crons";
import { createTxtResolver } from "../../src/dns/txt-resolver";
import { HANDLERS_SECRET, startStack, type Stack } from "../helpers/stack";
import { insertController } from "../helpers/seed";

type Answer = { txt: string[] } | { rcode: 2 | 3 };

/** Reads the question name of a DNS query (no compression in queries). */
function readName(msg: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let i = offset;
  for (let guard = 0; guard < 128; guard += 1) {
    const len = msg[i];
    if (len === 0) return { name: labels.join("."), end: i + 1 };
    labels.push(msg.subarray(i + 1, i + 1 + len).toString("ascii"));
    i += 1 + len;
  }
  throw new Error("bad name");
}

function respond(query: Buffer, zone: ReadonlyMap<string, Answer>): Buffer {
  const { name, end } = readName(query, 12);
  const question = query.subarray(12, end + 4);
  const qtype = query.readUInt16BE(end);
  const found = zone.get(name.toLowerCase()) ?? { rcode: 3 };
  const answers: Buffer[] = [];
  let rcode = 0;
  if ("rcode" in found) rcode = found.rcode;
  else if (qtype === 16) {
    for (const value of found.txt) {
      // One character-string per 255 bytes (RFC 1035 3.3.14).
      const bytes = Buffer.from(value, "utf8");
      const parts: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += 255) {
        const chunk = bytes.subarray(i, i + 255);
        parts.push(Buffer.from([chunk.length]), chunk);
      }
      const rdata = Buffer.concat(parts);
      const rr = Buffer.alloc(12);
      rr.writeUInt16BE(0xc00c, 0); // pointer to the question name
      rr.writeUInt16BE(16, 2); // TXT
      rr.writeUInt16BE(1, 4); // IN
      rr.writeUInt32BE(60, 6);
      rr.writeUInt16BE(rdata.length, 10);
      answers.push(rr, rdata);
    }
  }
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2);
  header.writeUInt16BE(0x8400 | 0x0100 | rcode, 2); // QR, AA, RD copied as set, rcode
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length / 2, 6);
  return Buffer.concat([header, question, ...answers]);
}

async function startDns(zone: Map<string, Answer>): Promise<{ server: string; queries: string[]; close(): Promise<void> }> {
  const socket: Socket = createSocket("udp4");
  const queries: string[] = [];
  socket.on("message", (msg, rinfo) => {
    queries.push(readName(msg, 12).name);
    socket.send(respond(msg, zone), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", () => resolve()));
  const { port } = socket.address() as AddressInfo;
  return { server: `127.0.0.1:${port}`, queries, close: () => new Promise((resolve) => socket.close(() => resolve())) };
}

describe("verify_domain_records", () => {
  let stack: Stack;
  let dns: Awaited<ReturnType<typeof startDns>>;
  const zone = new Map<string, Answer>();

  beforeAll(async () => {
    dns = await startDns(zone);
    const resolveTxt = createTxtResolver({ servers: [dns.server], timeoutMs: 500, tries: 1 });
    stack = await startStack({ crons: (services) => createCronHandlers({ ...services, resolveTxt }) });
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
    await dns?.close();
  });

  async function tick(): Promise<Record<string, unknown>> {
    const res = await fetch(`${stack.handlersUrl}/crons/verify_domain_records`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-handlers-secret": HANDLERS_SECRET },
      body: JSON.stringify({ id: randomUUID(), name: "verify_domain_records", scheduled_time: stack.clock.now.toISOString(), payload: {} }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as Record<string, unknown>;
  }

  it("verifies a published challenge, counts misses, fails after the last attempt, never fails on resolver errors, and checks nothing twice", async () => {
    const controllerId = await insertController(stack, { title: "Kiln Studio" });
    const domain = async (name: string, attempts = 0): Promise<{ id: string; challenge: string }> => {
      const rows = await stack.query<{ id: string; challenge: string }>(
        "insert into public.domain_verifications (controller_id, domain, check_attempts) values ($1, $2, $3) returning id, challenge",
        [controllerId, name, attempts],
      );
      return rows[0];
    };
    const good = await domain("kiln.example");
    const wrong = await domain("wrong.kiln.example");
    const gone = await domain("gone.kiln.example", 95);
    const flaky = await domain("flaky.kiln.example", 95);
    zone.set("_privacy-verification.kiln.example", { txt: ["v=spf1 -all", `privacy-verification=${good.challenge}`] });
    zone.set("_privacy-verification.wrong.kiln.example", { txt: ["privacy-verification=not-the-challenge"] });
    zone.set("_privacy-verification.flaky.kiln.example", { rcode: 2 });

    expect(await tick()).toEqual({ checked: 4, verified: 1, failed: 1, stillPending: 2, resolverErrors: 1, skipped: 0 });
    const rows = await stack.query<{ id: string; status: string; check_attempts: number; last_error: string | null; verified_at: Date | null; last_checked_at: Date | null }>(
      "select id, status, check_attempts, last_error, verified_at, last_checked_at from public.domain_verifications where controller_id = $1",
      [controllerId],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(good.id)).toMatchObject({ status: "verified", check_attempts: 1, last_error: null });
    expect(byId.get(good.id)?.verified_at?.toISOString()).toBe(stack.clock.now.toISOString());
    expect(byId.get(wrong.id)).toMatchObject({ status: "pending", check_attempts: 1, last_error: "TXT record at _privacy-verification.wrong.kiln.example does not hold the challenge" });
    expect(byId.get(gone.id)).toMatchObject({ status: "failed", check_attempts: 96, last_error: "no TXT record at _privacy-verification.gone.kiln.example (ENOTFOUND)" });
    expect(byId.get(flaky.id)).toMatchObject({ status: "pending", check_attempts: 96, last_error: "resolver error ESERVFAIL" });

    // The verified domain reaches the CORS allowlist through domain_verification_cors_sync.
    await stack.waitFor(async () => (await stack.query("select 1 from public.cors_allowed_origins where controller_id = $1 and origin = 'https://kiln.example'", [controllerId])).length === 1);

    // The same tick again: every pending domain was just checked, nothing is looked up.
    const asked = dns.queries.length;
    expect(await tick()).toEqual({ checked: 0, verified: 0, failed: 0, stillPending: 0, resolverErrors: 0, skipped: 0 });
    expect(dns.queries.length).toBe(asked);

    // 15 minutes later the owner fixed the record.
    zone.set("_privacy-verification.wrong.kiln.example", { txt: [`privacy-verification=${wrong.challenge}`] });
    stack.clock.now = new Date(stack.clock.now.getTime() + 15 * 60_000);
    expect(await tick()).toEqual({ checked: 2, verified: 1, failed: 0, stillPending: 1, resolverErrors: 1, skipped: 0 });
    expect((await stack.query<{ status: string }>("select status from public.domain_verifications where id = $1", [wrong.id]))[0].status).toBe("verified");
  }, 60_000);
});
