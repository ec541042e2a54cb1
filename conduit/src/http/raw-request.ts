/** Express request → the framework-free RawRequest the integration modules take. */
import type { Request } from "express";
import type { RawRequest } from "../integrations/types";

/** Lower-cased headers; repeated headers joined with ", " as Node does for most. */
export function headersOf(req: Request): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  return out;
}

/**
 * The URL the platform called, rebuilt from the configured public base URL and
 * the original path and query (behind a proxy, req.protocol and host differ;
 * Mandrill and HubSpot sign the URL, integrations spec §2.1).
 */
export function toRawRequest(req: Request, publicBaseUrl: string): RawRequest {
  const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  return { method: req.method, url: publicBaseUrl.replace(/\/$/, "") + req.originalUrl, headers: headersOf(req), body };
}

/** A single-valued query parameter, or undefined (arrays and objects are refused). */
export function queryParam(req: Request, name: string): string | undefined {
  const value: unknown = (req.query as Record<string, unknown>)[name];
  return typeof value === "string" && value.length > 0 && value.length <= 4096 ? value : undefined;
}
