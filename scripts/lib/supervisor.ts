/**
 * Child-process supervision for `npm start`: run a service's main.ts under
 * tsx, prefix its output, wait until it answers /healthz, stop it with a
 * bounded wait. Every wait here has a deadline; nothing polls forever.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createServer as createNetServer } from "node:net";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";

export interface ServiceSpec {
  name: string;
  /** Path of the service's main.ts, relative to `cwd`. */
  entry: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** URL polled until it answers 2xx. */
  healthUrl: string;
}

export interface ManagedService {
  spec: ServiceSpec;
  child: ChildProcess;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  exited: Promise<number | string>;
  hasExited(): boolean;
  /** SIGTERM, then SIGKILL after `timeoutMs`; resolves once the process is gone. */
  stop(timeoutMs: number): Promise<number | string>;
}

function pipeLines(stream: Readable | null, name: string, write: (line: string) => void): void {
  if (!stream) return;
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  lines.on("line", (line) => write(`[${name}] ${line}\n`));
}

/**
 * Spawns `node --import tsx <entry>`: one process per service (no tsx wrapper
 * process in between), so signals reach the service itself.
 */
export function startService(spec: ServiceSpec, write: (line: string) => void): ManagedService {
  const child = spawn(process.execPath, ["--import", "tsx", spec.entry], {
    cwd: spec.cwd,
    env: spec.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  pipeLines(child.stdout, spec.name, write);
  pipeLines(child.stderr, spec.name, write);
  let done = false;
  const exited = new Promise<number | string>((resolve) => {
    child.once("exit", (code, signal) => {
      done = true;
      resolve(code ?? signal ?? "unknown");
    });
    child.once("error", () => {
      done = true;
      resolve("spawn-error");
    });
  });
  const stop = async (timeoutMs: number): Promise<number | string> => {
    if (done) return exited;
    child.kill("SIGTERM");
    const timer = setTimeout(() => {
      if (!done) {
        write(`[start] ${spec.name} did not stop within ${timeoutMs} ms; killing it\n`);
        child.kill("SIGKILL");
      }
    }, timeoutMs);
    const result = await exited;
    clearTimeout(timer);
    return result;
  };
  return { spec, child, exited, hasExited: () => done, stop };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export type HealthOutcome =
  | { state: "healthy" }
  /** Answers /healthz, but not 2xx (a dependency it checks is missing). */
  | { state: "degraded"; status: number; body: string }
  /** Never answered, or the process died. */
  | { state: "down" };

export interface HealthWaitOptions {
  /** Give up on a service that never answers after this long. */
  timeoutMs: number;
  /** Once it answers non-2xx, keep polling this long for a 2xx before settling on "degraded". */
  degradedGraceMs: number;
  intervalMs?: number;
  /** True when waiting is pointless (the process exited, or we are stopping). */
  gaveUp?: () => boolean;
  /**
   * Checks the 2xx body really comes from the expected service (our services
   * answer `{"service": "<name>"}`), so a stranger on the port is not taken
   * for it.
   */
  isExpectedBody?: (body: string) => boolean;
}

/**
 * Polls `url` until it answers 2xx ("healthy"); a service that keeps answering
 * non-2xx settles as "degraded" after `degradedGraceMs`, one that never answers
 * as "down" after `timeoutMs`. Bounded in time either way.
 */
export async function waitForHealthy(url: string, options: HealthWaitOptions): Promise<HealthOutcome> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 200;
  let degradedSince: number | undefined;
  let last: { status: number; body: string } | undefined;
  while (Date.now() < deadline) {
    if (options.gaveUp?.()) return { state: "down" };
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(Math.max(100, Math.min(3000, deadline - Date.now()))) });
      const body = (await res.text()).slice(0, 500);
      if (res.ok && (options.isExpectedBody?.(body) ?? true)) return { state: "healthy" };
      if (res.ok) {
        await sleep(interval);
        continue;
      }
      last = { status: res.status, body };
      degradedSince ??= Date.now();
      if (Date.now() - degradedSince >= options.degradedGraceMs) return { state: "degraded", ...last };
    } catch {
      // Not listening yet; try again until the deadline.
    }
    await sleep(interval);
  }
  return last ? { state: "degraded", ...last } : { state: "down" };
}

/** Resolves true when nothing listens on 127.0.0.1:`port` (we could bind it). */
export function isPortFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createNetServer();
    server.once("error", () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** Runs `promise` but gives up after `timeoutMs`, resolving `fallback`. */
export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
