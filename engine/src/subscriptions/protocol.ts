/**
 * The two WebSocket sub-protocols Hasura v2 speaks on /v1/graphql (contract 8.1):
 *
 * - `graphql-transport-ws`: the graphql-ws library's protocol
 *   (github.com/enisdenjo/graphql-ws PROTOCOL.md): connection_init/ack,
 *   ping/pong, subscribe/next/error/complete.
 * - `graphql-ws`: the legacy subscriptions-transport-ws protocol (Apollo):
 *   connection_init/connection_ack/ka/connection_error, start/data/error/
 *   complete/stop, connection_terminate. Hasura picks it whenever the client
 *   asks for anything but `graphql-transport-ws` (or for nothing).
 *
 * Message shapes, close codes and reasons follow Hasura's
 * server/src-lib/Hasura/GraphQL/Transport/WebSocket/Protocol.hs and Server.hs.
 */
import { z } from "zod";
import type { GraphqlErrorBody } from "../errors";

export const GRAPHQL_TRANSPORT_WS = "graphql-transport-ws";
export const GRAPHQL_WS = "graphql-ws";
export type SubProtocol = typeof GRAPHQL_TRANSPORT_WS | typeof GRAPHQL_WS;

/** Hasura's choice: `graphql-transport-ws` when the client offers it, the legacy protocol otherwise. */
export function pickSubProtocol(offered: ReadonlySet<string>): SubProtocol {
  return offered.has(GRAPHQL_TRANSPORT_WS) ? GRAPHQL_TRANSPORT_WS : GRAPHQL_WS;
}

/** Close codes Hasura sends (Protocol.hs ServerErrorCode, Server.hs). */
export const CLOSE = {
  NORMAL: 1000,
  SERVICE_RESTART: 1012,
  BAD_REQUEST: 4400,
  FORBIDDEN: 4403,
  INIT_TIMEOUT: 4408,
  TOO_MANY_INIT: 4429,
} as const;

const OperationRequestSchema = z.object({
  query: z.string(),
  variables: z.record(z.string(), z.unknown()).nullish(),
  operationName: z.string().nullish(),
});
export type OperationRequest = z.infer<typeof OperationRequestSchema>;

const HeadersSchema = z.record(z.string(), z.string());
const PingPayloadSchema = z.object({ message: z.string().nullish() }).nullish();

/**
 * Every client message of both protocols, as Hasura parses them into one type
 * (`subscribe` = `start`, `complete` = `stop` from a client).
 */
export const ClientMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("connection_init"), payload: z.object({ headers: HeadersSchema.nullish() }).nullish() }),
  z.object({ type: z.literal("start"), id: z.string(), payload: OperationRequestSchema }),
  z.object({ type: z.literal("subscribe"), id: z.string(), payload: OperationRequestSchema }),
  z.object({ type: z.literal("stop"), id: z.string() }),
  z.object({ type: z.literal("complete"), id: z.string() }),
  z.object({ type: z.literal("connection_terminate") }),
  z.object({ type: z.literal("ping"), payload: PingPayloadSchema }),
  z.object({ type: z.literal("pong"), payload: PingPayloadSchema }),
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

/** Parses one text frame; the failure is a short reason that never echoes the message. */
export function parseClientMessage(text: string): { ok: true; message: ClientMessage } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: "not valid JSON" };
  }
  const parsed = ClientMessageSchema.safeParse(json);
  if (parsed.success) return { ok: true, message: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue.path.length > 0 ? `$.${issue.path.join(".")}` : "$";
  return { ok: false, reason: issue.code === "invalid_union" && where === "$.type" ? "unexpected type for ClientMessage" : `invalid value at ${where}` };
}

/** A GraphQL result for `data`/`next` payloads. */
export type ResultPayload = { data: unknown } | GraphqlErrorBody;

/** Server messages; `protocol` picks the names (Protocol.hs encodeServerMsg). */
export const serverMessage = {
  ack: (): string => JSON.stringify({ type: "connection_ack" }),
  keepAlive: (protocol: SubProtocol): string =>
    protocol === GRAPHQL_WS ? JSON.stringify({ type: "ka" }) : JSON.stringify({ type: "ping", payload: { message: "keepalive" } }),
  pong: (payload: { message?: string | null } | null | undefined): string =>
    JSON.stringify(payload ? { type: "pong", payload: { message: payload.message ?? null } } : { type: "pong" }),
  connectionError: (message: string): string => JSON.stringify({ type: "connection_error", payload: message }),
  data: (protocol: SubProtocol, id: string, payload: ResultPayload): string => JSON.stringify({ type: protocol === GRAPHQL_WS ? "data" : "next", id, payload }),
  error: (id: string, payload: unknown): string => JSON.stringify({ type: "error", id, payload }),
  complete: (id: string): string => JSON.stringify({ type: "complete", id }),
};

/** WebSocket close reasons are at most 123 bytes of UTF-8 (RFC 6455 5.5). */
const MAX_REASON_BYTES = 123;

function fitReason(text: string): string {
  if (Buffer.byteLength(text) <= MAX_REASON_BYTES) return text;
  let out = text;
  while (Buffer.byteLength(`${out}...`) > MAX_REASON_BYTES) out = out.slice(0, -1);
  return `${out}...`;
}

/**
 * Hasura's close reason: JSON `{"server_error_msg": "<code>: <text>"}`
 * (Protocol.hs encodeServerErrorMsg), cut to the frame's limit while staying JSON.
 */
export function closeReason(code: number, text: string): string {
  let message = `${code}: ${text}`;
  while (Buffer.byteLength(JSON.stringify({ server_error_msg: message })) > MAX_REASON_BYTES) message = message.slice(0, -4) + "...";
  return fitReason(JSON.stringify({ server_error_msg: message }));
}
