/**
 * The HTTP client every outgoing webhook call goes through (event triggers,
 * cron and one-off scheduled events).
 *
 * One keep-alive agent per client bounds the open sockets (contract 1.7,
 * HASURA_GRAPHQL_EVENTS_HTTP_POOL_SIZE); the timeout covers the whole response
 * (contract 1.5, `timeout_sec`). Outcomes are values, never thrown: a transport
 * failure is an ordinary result the caller judges and logs.
 */
import http from "node:http";
import https from "node:https";

export interface HttpHeader {
  name: string;
  value: string;
}

export type HttpOutcome =
  | { kind: "response"; status: number; headers: HttpHeader[]; body: string }
  | { kind: "transport_error"; message: string };

export interface WebhookHttpClient {
  postJson(url: string, body: string, headers: readonly HttpHeader[], timeoutMs: number): Promise<HttpOutcome>;
  close(): void;
}

/** Response bodies longer than this are cut in the invocation log (protects memory and the table). */
export const MAX_LOGGED_BODY_BYTES = 64 * 1024;

export function createWebhookHttpClient(options: { maxSockets: number }): WebhookHttpClient {
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets });
  const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: options.maxSockets });

  function postJson(url: string, body: string, headers: readonly HttpHeader[], timeoutMs: number): Promise<HttpOutcome> {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return Promise.resolve({ kind: "transport_error", message: "invalid URL" });
    }
    if (target.protocol !== "http:" && target.protocol !== "https:") {
      return Promise.resolve({ kind: "transport_error", message: `unsupported URL scheme ${target.protocol}` });
    }
    const lib = target.protocol === "https:" ? https : http;
    const outgoing: Record<string, string> = {};
    for (const h of headers) outgoing[h.name] = h.value;
    outgoing["Content-Length"] = String(Buffer.byteLength(body));

    return new Promise<HttpOutcome>((resolve) => {
      let settled = false;
      const finish = (outcome: HttpOutcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      const req = lib.request(
        target,
        { method: "POST", headers: outgoing, agent: target.protocol === "https:" ? httpsAgent : httpAgent },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (chunk: Buffer) => {
            if (size < MAX_LOGGED_BODY_BYTES) chunks.push(chunk);
            size += chunk.length;
          });
          res.on("end", () => {
            // NUL cannot be stored in a Postgres json value; one such byte must not block the batch's log write.
            const text = Buffer.concat(chunks).toString("utf8").slice(0, MAX_LOGGED_BODY_BYTES).replaceAll("\u0000", "");
            const list: HttpHeader[] = [];
            for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) list.push({ name: res.rawHeaders[i], value: res.rawHeaders[i + 1] });
            finish({ kind: "response", status: res.statusCode ?? 0, headers: list, body: text });
          });
          res.on("error", (err: Error) => finish({ kind: "transport_error", message: describe(err) }));
        },
      );
      const timer = setTimeout(() => {
        finish({ kind: "transport_error", message: `timeout: no complete response within ${timeoutMs} ms` });
        req.destroy();
      }, timeoutMs);
      req.on("error", (err: Error) => finish({ kind: "transport_error", message: describe(err) }));
      req.end(body);
    });
  }

  return {
    postJson,
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

/** A message for a socket-level failure: the error code and text, no request data. */
function describe(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code ? `${code}: ${err.message}` : err.message;
}
