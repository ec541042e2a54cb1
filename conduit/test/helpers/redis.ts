/**
 * A real redis-server for tests: spawned on a free loopback port with no
 * persistence, ready once PING answers (bounded wait), stopped and restarted
 * on demand. Tests that need it FAIL (not skip) when the binary is missing,
 * with the command that installs it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { connect } from "node:net";
import { delimiter, join } from "node:path";
import { findFreePort } from "../../../common/src/db/embedded";

export const REDIS_INSTALL_HINT =
  "redis-server was not found on PATH (or /usr/sbin, /usr/local/bin). Install it: as root, `apt-get update && apt-get install -y redis-server` (Debian/Ubuntu), `brew install redis` (macOS); .ci/run installs it when missing.";

const USUAL_DIRS = ["/usr/sbin", "/usr/local/bin", "/usr/bin"];

/** The redis-server binary, or an Error saying how to install it. */
export function findRedisServer(path = process.env.PATH ?? "", usualDirs: readonly string[] = USUAL_DIRS): string {
  const dirs = [...path.split(delimiter), ...usualDirs].filter((d) => d !== "");
  for (const dir of dirs) {
    const candidate = join(dir, "redis-server");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new Error(REDIS_INSTALL_HINT);
}

/** True when a Redis on `port` answers PING with +PONG within `timeoutMs`. */
function ping(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    let reply = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk: Buffer) => {
      reply += chunk.toString("latin1");
      if (reply.includes("\r\n")) done(reply.startsWith("+PONG"));
    });
  });
}

export interface TestRedis {
  url: string;
  port: number;
  /** Kills the server (SIGKILL, as a crash) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts a fresh, empty server on the same port. */
  start(): Promise<void>;
}

export async function startTestRedis(options: { readyTimeoutMs?: number } = {}): Promise<TestRedis> {
  const binary = findRedisServer();
  const port = await findFreePort();
  const readyTimeoutMs = options.readyTimeoutMs ?? 10_000;
  let child: ChildProcess | undefined;
  let output = "";

  const start = async (): Promise<void> => {
    output = "";
    const proc = spawn(binary, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: ["ignore", "pipe", "pipe"] });
    child = proc;
    proc.stdout?.on("data", (c: Buffer) => (output += c.toString("utf8")));
    proc.stderr?.on("data", (c: Buffer) => (output += c.toString("utf8")));
    const deadline = Date.now() + readyTimeoutMs;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`[test/redis] redis-server exited with ${proc.exitCode}: ${output.slice(-500)}`);
      if (await ping(port, 500)) return;
      if (Date.now() > deadline) {
        proc.kill("SIGKILL");
        throw new Error(`[test/redis] redis-server did not answer PING on port ${port} within ${readyTimeoutMs} ms: ${output.slice(-500)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  const stop = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once("exit", () => resolve());
      proc.kill("SIGKILL");
    });
  };

  await start();
  return { url: `redis://127.0.0.1:${port}`, port, stop, start };
}
