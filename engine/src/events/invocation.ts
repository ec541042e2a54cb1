/**
 * Judging a webhook answer and the invocation-log rows Hasura writes for it
 * (contract 1.6; cron and one-off scheduled events reuse the same "version 2"
 * log format, contract 2.2).
 */
import type { HttpHeader, HttpOutcome } from "./http-client";
import { headersForLog, type ResolvedHeader } from "./webhook-conf";

/** Hasura's user agent shape, `hasura-graphql-engine/<server version>` (contract 1.5). */
export function userAgent(serverVersion: string): string {
  return `hasura-graphql-engine/${serverVersion}`;
}

/** Content-Type and User-Agent first, then the configured headers (contract 1.5, 2.3). */
export function requestHeaders(serverVersion: string, configured: readonly ResolvedHeader[]): { send: HttpHeader[]; log: ReturnType<typeof headersForLog> } {
  const base: ResolvedHeader[] = [
    { name: "Content-Type", value: "application/json" },
    { name: "User-Agent", value: userAgent(serverVersion) },
  ];
  const all = [...base, ...configured];
  return { send: all.map((h) => ({ name: h.name, value: h.value })), log: headersForLog(all) };
}

/**
 * `Retry-After` as a positive whole number of seconds, else undefined; the
 * HTTP-date form is ignored as Hasura does (contract 1.6).
 */
export function retryAfterSeconds(headers: readonly HttpHeader[]): number | undefined {
  const header = headers.find((h) => h.name.toLowerCase() === "retry-after");
  if (!header) return undefined;
  const text = header.value.trim();
  if (!/^\d+$/.test(text)) return undefined;
  const seconds = Number(text);
  return seconds > 0 ? seconds : undefined;
}

export function isSuccess(outcome: HttpOutcome): boolean {
  return outcome.kind === "response" && outcome.status >= 200 && outcome.status < 300;
}

export interface InvocationRecord {
  /** HTTP status, or null when no response came back. */
  status: number | null;
  request: { version: "2"; payload: unknown; headers: ReturnType<typeof headersForLog> };
  response:
    | { version: "2"; type: "webhook_response"; data: { status: number; headers: HttpHeader[]; body: string } }
    | { version: "2"; type: "client_error"; data: { message: string } };
}

export function invocationRecord(payload: unknown, logHeaders: ReturnType<typeof headersForLog>, outcome: HttpOutcome): InvocationRecord {
  const request = { version: "2" as const, payload, headers: logHeaders };
  if (outcome.kind === "transport_error") {
    return { status: null, request, response: { version: "2", type: "client_error", data: { message: outcome.message } } };
  }
  if (isSuccess(outcome)) {
    return {
      status: outcome.status,
      request,
      response: { version: "2", type: "webhook_response", data: { status: outcome.status, headers: outcome.headers, body: outcome.body } },
    };
  }
  return { status: outcome.status, request, response: { version: "2", type: "client_error", data: { message: outcome.body } } };
}

/** What happens to an event after one attempt. */
export type AttemptVerdict = { kind: "delivered" } | { kind: "retry"; afterSeconds: number } | { kind: "error" };

/**
 * Contract 1.6: 2xx delivers; a non-2xx with a valid Retry-After retries after
 * it (even when retries are used up, as Hasura's code does); otherwise retry
 * after `intervalSeconds` while `triesBefore < numRetries`; else error.
 */
export function judgeAttempt(outcome: HttpOutcome, triesBefore: number, numRetries: number, intervalSeconds: number): AttemptVerdict {
  if (isSuccess(outcome)) return { kind: "delivered" };
  if (outcome.kind === "response") {
    const after = retryAfterSeconds(outcome.headers);
    if (after !== undefined) return { kind: "retry", afterSeconds: after };
  }
  if (triesBefore < numRetries) return { kind: "retry", afterSeconds: intervalSeconds };
  return { kind: "error" };
}
