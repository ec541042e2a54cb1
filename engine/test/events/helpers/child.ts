/**
 * Spawns engine/test/events/helpers/run-worker.ts (TypeScript through tsx's loader) and waits for its
 * output lines, so tests can kill it at a known point.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";

const RUNNER = join(__dirname, "run-worker.ts");

export interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves when a stdout line starts with `prefix`; rejects after `timeoutMs` or if the process exits. */
  waitForLine(prefix: string, timeoutMs?: number): Promise<string>;
  /** SIGKILL and wait for the exit. */
  kill(): Promise<void>;
  /** SIGTERM (graceful stop) and wait for the exit. */
  stop(): Promise<void>;
}

export function spawnWorker(env: Record<string, string>): WorkerProcess {
  // `node --import tsx` keeps the worker in this one process: the tsx CLI would
  // run it in a grandchild that a SIGKILL of the CLI leaves running.
  const child = spawn(process.execPath, ["--import", "tsx", RUNNER], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
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

  return {
    child,
    output: () => out,
    waitForLine(prefix, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const line = out.split("\n").find((l) => l.startsWith(prefix));
          if (line !== undefined) {
            done();
            resolve(line);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            done();
            reject(new Error(`worker exited before printing ${prefix}: ${err.slice(0, 500)}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`worker did not print ${prefix} within ${timeoutMs} ms: ${err.slice(0, 500)}`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
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
