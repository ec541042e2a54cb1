/**
 * Calling an action handler and turning its answer into the field value or a
 * Hasura error (contract 3.3, 3.4).
 */
import { GraphQLEnumType, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLScalarType, type GraphQLOutputType } from "graphql";
import { HasuraError } from "../errors";
import type { HttpHeader, WebhookHttpClient } from "../events/http-client";
import type { ResolvedHeader } from "../events/webhook-conf";

/**
 * Client headers never forwarded (Hasura's server/src-lib/Hasura/Server/Utils.hs,
 * contract 3.3), besides every `x-hasura-*` header.
 */
export const IGNORED_CLIENT_HEADERS: ReadonlySet<string> = new Set([
  "content-length",
  "content-md5",
  "user-agent",
  "host",
  "origin",
  "referer",
  "accept",
  "accept-encoding",
  "accept-language",
  "accept-datetime",
  "cache-control",
  "connection",
  "dnt",
  "content-type",
]);

/**
 * Outgoing headers: Content-Type, forwarded client headers (when enabled;
 * Host and User-Agent as X-Forwarded-Host / X-Forwarded-User-Agent), then the
 * configured ones, which win over a forwarded header of the same name.
 */
export function handlerHeaders(configured: readonly ResolvedHeader[], clientHeaders: Readonly<Record<string, string>>, forward: boolean): HttpHeader[] {
  const out = new Map<string, HttpHeader>();
  const put = (name: string, value: string) => out.set(name.toLowerCase(), { name, value });
  put("Content-Type", "application/json");
  if (forward) {
    for (const [name, value] of Object.entries(clientHeaders)) {
      const lower = name.toLowerCase();
      if (lower.startsWith("x-hasura-") || IGNORED_CLIENT_HEADERS.has(lower)) continue;
      put(lower, value);
    }
    if (clientHeaders.host !== undefined) put("X-Forwarded-Host", clientHeaders.host);
    if (clientHeaders["user-agent"] !== undefined) put("X-Forwarded-User-Agent", clientHeaders["user-agent"]);
  }
  for (const h of configured) put(h.name, h.value);
  return [...out.values()];
}

export interface ActionRequestBody {
  action: { name: string };
  input: Record<string, unknown>;
  session_variables: Readonly<Record<string, string>>;
  request_query: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const unexpected = (message: string) => new HasuraError("unexpected", message, "$");

/**
 * POSTs the body and returns the handler's JSON for a 2xx; throws HasuraError
 * for everything else, as the table in contract 3.4 says.
 */
export async function callHandler(http: WebhookHttpClient, url: string, headers: readonly HttpHeader[], body: ActionRequestBody, timeoutSeconds: number): Promise<unknown> {
  const outcome = await http.postJson(url, JSON.stringify(body), headers, timeoutSeconds * 1000);
  if (outcome.kind === "transport_error") throw unexpected("http exception when calling webhook");
  let json: unknown;
  let parsed = true;
  try {
    json = JSON.parse(outcome.body);
  } catch {
    parsed = false;
  }
  if (outcome.status >= 200 && outcome.status < 300) {
    if (!parsed) throw unexpected("not a valid json response from webhook");
    return json;
  }
  if (outcome.status >= 400 && outcome.status < 500 && isRecord(json) && typeof json.message === "string") {
    if (isRecord(json.extensions)) {
      // Hasura passes `extensions` through verbatim (no path or code added) and
      // ignores a top-level code; code and path here only label our logs.
      const ext = json.extensions;
      throw new HasuraError(typeof ext.code === "string" ? ext.code : "unexpected", json.message, typeof ext.path === "string" ? ext.path : "$", 400, ext, true);
    }
    throw new HasuraError(typeof json.code === "string" ? json.code : "unexpected", json.message, "$");
  }
  throw unexpected("internal error");
}

/**
 * Checks the handler's JSON against the output type: required fields present
 * and non-null, lists where lists are declared, objects where objects are.
 * Extra fields are ignored (newer 2.x). Returns the value keyed by field names.
 */
export function checkOutput(value: unknown, type: GraphQLOutputType, top = true): unknown {
  if (type instanceof GraphQLNonNull) return checkOutput(value, type.ofType, top);
  if (value === null || value === undefined) return null;
  if (type instanceof GraphQLList) {
    if (!Array.isArray(value)) throw unexpected("expecting array for the action webhook response");
    return value.map((v) => {
      if (type.ofType instanceof GraphQLNonNull && (v === null || v === undefined)) throw unexpected("expecting not null value in the list of the action webhook response");
      return checkOutput(v, type.ofType, false);
    });
  }
  if (type instanceof GraphQLObjectType) {
    if (Array.isArray(value)) throw unexpected("expecting object for the action webhook response");
    if (!isRecord(value)) {
      if (top) throw new HasuraError("parse-failed", "expecting object or array of objects for action webhook response", "$");
      throw unexpected("expecting object for the action webhook response");
    }
    const out: Record<string, unknown> = { ...value };
    for (const [name, field] of Object.entries(type.getFields())) {
      if (field.extensions?.actionRelationship) continue;
      const required = field.type instanceof GraphQLNonNull;
      if (!(name in value)) {
        if (required) throw unexpected(`field "${name}" expected in webhook response, but not found`);
        continue;
      }
      if (required && value[name] === null) throw unexpected(`expecting not null value for field "${name}"`);
      out[name] = checkOutput(value[name], field.type, false);
    }
    return out;
  }
  if (type instanceof GraphQLEnumType || type instanceof GraphQLScalarType) return value;
  return value;
}
