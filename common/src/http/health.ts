/**
 * GET /healthz for every service: 200 `{"status":"ok"}` when the process is up
 * and every readiness check passes, 503 with the names of the failing checks
 * otherwise. Check failures are logged by the caller's check, never echoed:
 * the endpoint is public and must not leak hosts or connection strings.
 */
import { Router } from "express";
import type { Request, Response } from "express";

/** A named readiness probe; resolve to pass, reject (or resolve false) to fail. */
export interface HealthCheck {
  name: string;
  check: () => Promise<boolean | void>;
}

export interface HealthOptions {
  service: string;
  checks?: readonly HealthCheck[];
  /** Upper bound for each check, so a hung dependency answers 503, not a hang. */
  timeoutMs?: number;
}

export type HealthBody =
  | { status: "ok"; service: string }
  | { status: "unavailable"; service: string; failing: string[] };

async function runCheck(check: HealthCheck, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    const outcome = await Promise.race([check.check().then((v) => v !== false), timeout]);
    return outcome;
  } catch {
    return false;
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** Router serving GET /healthz (and HEAD, which Express derives from GET). */
export function healthRouter(options: HealthOptions): Router {
  const router = Router();
  const checks = options.checks ?? [];
  const timeoutMs = options.timeoutMs ?? 2000;
  router.get("/healthz", async (_req: Request, res: Response) => {
    const results = await Promise.all(checks.map(async (c) => ({ name: c.name, ok: await runCheck(c, timeoutMs) })));
    const failing = results.filter((r) => !r.ok).map((r) => r.name);
    res.setHeader("cache-control", "no-store");
    const body: HealthBody =
      failing.length === 0 ? { status: "ok", service: options.service } : { status: "unavailable", service: options.service, failing };
    res.status(failing.length === 0 ? 200 : 503).json(body);
  });
  return router;
}
