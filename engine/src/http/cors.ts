/**
 * CORS as Hasura does it (contract 8.3; docs: deployment/graphql-engine-flags/config-examples
 * "Configure CORS"): by default every origin is allowed (the request's Origin is
 * echoed with credentials); HASURA_GRAPHQL_CORS_DOMAIN narrows it to a comma
 * separated list where `*` matches one subdomain level or any port
 * (`https://*.example.com`, `http://localhost:*`); HASURA_GRAPHQL_DISABLE_CORS
 * turns the headers off.
 */
import type { NextFunction, Request, Response } from "express";

export interface CorsOptions {
  /** null: all origins. */
  domains: string[] | null;
  disabled: boolean;
}

function escapeRegex(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
}

/** Compiles `https://*.example.com`, `http://localhost:*` and exact origins to a matcher. */
export function originMatcher(domains: string[] | null): (origin: string) => boolean {
  if (domains === null || domains.includes("*")) return () => true;
  const patterns = domains.map((d) => {
    const body = escapeRegex(d.trim().replace(/\/$/, "")).replace(/:\\\*$/, ":\\d+").replace(/\\\*|\*/g, "[^./:]+");
    return new RegExp(`^${body}$`, "i");
  });
  return (origin) => patterns.some((p) => p.test(origin));
}

export function cors(options: CorsOptions) {
  const allowed = originMatcher(options.domains);
  return (req: Request, res: Response, next: NextFunction): void => {
    const origin = req.get("origin");
    if (options.disabled || !origin || !allowed(origin)) {
      next();
      return;
    }
    res.setHeader("Access-Control-Allow-Origin", origin);
    res.setHeader("Access-Control-Allow-Credentials", "true");
    res.setHeader("Vary", "Origin");
    if (req.method === "OPTIONS") {
      res.setHeader("Access-Control-Allow-Methods", "GET,POST,PUT,PATCH,DELETE,OPTIONS");
      const requested = req.get("access-control-request-headers");
      if (requested) res.setHeader("Access-Control-Allow-Headers", requested);
      res.setHeader("Access-Control-Max-Age", "1728000");
      res.status(204).end();
      return;
    }
    next();
  };
}
