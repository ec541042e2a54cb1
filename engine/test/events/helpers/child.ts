/**
 * Spawns TypeScript programs (run-worker.ts, engine/src/main.ts) through tsx's
 * loader and waits for their output, so tests can kill them at a known point.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";

const RUNNER = join(__dirname, "run-worker.ts");

export interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves when stdout contains `text`; rejects after `timeoutMs` or if the process exits. */
  waitForText(text: string, timeoutMs?: number): Promise<void>;
  /** Resolves when a stdout line starts with `prefix`; rejects after `timeoutMs` or if the process exits. */
  waitForLine(prefix: string, timeoutMs?: number): Promise<string>;
  /** SIGKILL and wait for the exit. */
  kill(): Promise<void>;
  /** SIGTERM (graceful stop) and wait for the exit. */
  stop(): Promise<void>;
}

export function spawnWorker(env: Record<string, string>): WorkerProcess {
  return spawnTs(RUNNER, [], env);
}

/** Runs a TypeScript entry point (e.g. engine/src/main.ts) as a child process. */
export function spawnTs(script: string, args: readonly string[], env: Record<string, string>): WorkerProcess {
  // `node --import tsx` keeps the program in this one process: the tsx CLI would
  // run it in a grandchild that a SIGKILL of the CLI leaves running.
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  const listeners = new Set<() => void>();
  child.stdout?.on("data", (c: Buffer) => {
    out += c.toString();
    for (const l of [...listeners]) l();
  });
  child.stderr?.on("data", (c: Buffer) => {
    err += c.toString();
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.once("exit", () => {
    for (const l of [...listeners]) l();
  });

  const waitFor = (found: () => string | undefined, what: string, timeoutMs: number): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const hit = found();
        if (hit !== undefined) {
          done();
          resolve(hit);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          done();
          reject(new Error(`process exited before printing ${what}: ${err.slice(0, 500)}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`process did not print ${what} within ${timeoutMs} ms: ${err.slice(0, 500)}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });

  return {
    child,
    output: () => out,
    waitForText: (text, timeoutMs = 30_000) => waitFor(() => (out.includes(text) ? text : undefined), text, timeoutMs).then(() => undefined),
    waitForLine: (prefix, timeoutMs = 20_000) => waitFor(() => out.split("\n").find((l) => l.startsWith(prefix)), prefix, timeoutMs),
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
