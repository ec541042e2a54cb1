/**
 * The services a benchmark runs as child processes (`tsx <script>` from the
 * repository root, as `npm start` runs them): start, wait until one answers
 * /healthz or prints a marker, and stop them all in reverse order with SIGTERM,
 * waiting for each to exit (SIGKILL after a grace period), so a run never
 * leaves a process behind.
 */
import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import { openSync } from "node:fs";
import { join } from "node:path";

export const ROOT = join(__dirname, "..", "..");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");

export interface ChildSpec {
  /** Used in messages. */
  name: string;
  /** Path of the TypeScript entry point. */
  script: string;
  args?: readonly string[];
  /** Added to the bench's own environment. */
  env?: NodeJS.ProcessEnv;
  /**
   * Where the child's output goes: `{ logFile }` appends stdout and stderr to
   * that file; `"stderr"` passes stderr through and reads stdout (for
   * `waitForOutput`; drained otherwise); `"quiet"` passes stderr through and
   * drops stdout.
   */
  output: { logFile: string } | "stderr" | "quiet";
}

/**
 * `BENCH_CPU_PROF_NAME=<child name> BENCH_CPU_PROF_DIR=<dir>` runs that one
 * child under Node's CPU profiler; it writes a .cpuprofile into the directory
 * when it exits (open it in Chrome DevTools or any V8 profile viewer).
 */
function profilerFlags(name: string): string[] {
  const dir = process.env.BENCH_CPU_PROF_DIR;
  return dir && process.env.BENCH_CPU_PROF_NAME === name ? ["--cpu-prof", "--cpu-prof-dir", dir] : [];
}

/** Spawns `tsx <script> <args>` from the repository root with the bench's environment plus `spec.env`. */
export function startChild(spec: ChildSpec): ChildProcess {
  let stdio: StdioOptions;
  if (typeof spec.output === "object") {
    const log = openSync(spec.output.logFile, "a");
    stdio = ["ignore", log, log];
  } else {
    stdio = ["ignore", spec.output === "stderr" ? "pipe" : "ignore", "inherit"];
  }
  const proc = spawn(TSX, [...profilerFlags(spec.name), spec.script, ...(spec.args ?? [])], { cwd: ROOT, env: { ...process.env, ...spec.env }, stdio });
  // A pipe nobody reads would block the child once full: keep it flowing
  // (waitForOutput listens on the same stream).
  proc.stdout?.resume();
  return proc;
}

/** The children of one benchmark run. */
export class BenchProcesses {
  private readonly children: { name: string; proc: ChildProcess }[] = [];
  private stopping = false;

  /** Starts the child (startChild); an exit this group did not ask for is reported on stderr. */
  start(spec: ChildSpec): ChildProcess {
    const proc = startChild(spec);
    proc.once("exit", (code, signal) => {
      // tsx exits 143 when it passes our SIGTERM on: only an exit we did not ask for is news.
      if (!this.stopping && code !== 0) process.stderr.write(`[bench] ${spec.name} exited with ${code ?? signal}\n`);
    });
    this.children.push({ name: spec.name, proc });
    return proc;
  }

  /** SIGTERM to every child, newest first, each awaited up to `graceMs` before SIGKILL. */
  async stopAll(graceMs = 5_000): Promise<void> {
    this.stopping = true;
    for (const { proc } of this.children.splice(0).reverse()) {
      if (proc.exitCode !== null || proc.signalCode !== null) continue;
      const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    }
  }
}

/** Resolves once the child prints `marker` on stdout (output "stderr"); rejects when it exits first or after `timeoutMs`. */
export function waitForOutput(proc: ChildProcess, marker: string, timeoutMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`[bench] no "${marker}" from the child within ${timeoutMs} ms`)), timeoutMs);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`[bench] child exited with ${code} before "${marker}"`));
    };
    proc.once("exit", onExit);
    proc.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      if (out.includes(marker)) {
        clearTimeout(timer);
        proc.off("exit", onExit);
        resolve();
      }
    });
  });
}

/**
 * Polls `url` until it answers 2xx; rejects after `timeoutMs`, or at once when
 * `proc` (the child serving it) has exited.
 */
export async function waitForHealthy(url: string, options: { timeoutMs?: number; proc?: ChildProcess } = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    if (options.proc && options.proc.exitCode !== null) throw new Error(`[bench] ${url}: its process exited with ${options.proc.exitCode}`);
    if (Date.now() > deadline) throw new Error(`[bench] ${url} never answered`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
