/**
 * CPU time of the processes a benchmark runs, from /proc (Linux): user +
 * system time of a process and its live descendants (tsx runs the service in a
 * child node process), and of an embedded Postgres (postmaster, its live
 * backends, and the time of backends already reaped).
 *
 * Throughput on a shared 2-CPU machine depends on what else runs; CPU time per
 * request hardly does, so the benches print both. Times come in clock ticks of
 * 10 ms (USER_HZ 100), which is why a measurement should span seconds.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const MS_PER_TICK = 1000 / 100;

/** The fields after the command name in /proc/<pid>/stat, or undefined when the process is gone. */
function statFields(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may hold spaces and parentheses: the fields start after the last ')'.
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

// Indexes into statFields: [1] ppid, [11] utime, [12] stime, [13] cutime, [14] cstime.
const ownTicks = (f: string[]): number => Number(f[11]) + Number(f[12]);
const reapedTicks = (f: string[]): number => Number(f[13]) + Number(f[14]);

/** pid -> parent pid for every live process. */
function parents(): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const f = statFields(Number(entry));
    if (f) out.set(Number(entry), Number(f[1]));
  }
  return out;
}

/** CPU milliseconds used so far by `root` and every live descendant; 0 when `root` is gone. */
export function treeCpuMs(root: number): number {
  const byParent = new Map<number, number[]>();
  for (const [pid, ppid] of parents()) byParent.set(ppid, [...(byParent.get(ppid) ?? []), pid]);
  let ticks = 0;
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    const f = statFields(pid);
    if (f) ticks += ownTicks(f);
    queue.push(...(byParent.get(pid) ?? []));
  }
  return ticks * MS_PER_TICK;
}

/**
 * CPU milliseconds used so far by the Postgres whose data directory is
 * `dataDir`: the postmaster, its reaped children and its live children.
 * Undefined when there is no such running server (e.g. BENCH_DATABASE_URL).
 */
export function postgresCpuMs(dataDir: string | undefined): number | undefined {
  const pidFile = dataDir ? join(dataDir, "postmaster.pid") : undefined;
  if (!pidFile || !existsSync(pidFile)) return undefined;
  const postmaster = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  const own = statFields(postmaster);
  if (!own) return undefined;
  let ticks = ownTicks(own) + reapedTicks(own);
  for (const [pid, ppid] of parents()) {
    if (ppid !== postmaster) continue;
    const f = statFields(pid);
    if (f) ticks += ownTicks(f);
  }
  return ticks * MS_PER_TICK;
}

/** This process's own CPU milliseconds so far (the load generator, when autocannon runs in it). */
export function ownCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** Named CPU counters read before and after a phase. */
export type CpuCounters = Record<string, () => number | undefined>;

/** Reads every counter now; `done()` returns each one's milliseconds since (undefined when unreadable). */
export function startCpuMeter(counters: CpuCounters): { done(): Record<string, number | undefined> } {
  const read = (): Record<string, number | undefined> => Object.fromEntries(Object.entries(counters).map(([name, counter]) => [name, counter()]));
  const before = read();
  return {
    done() {
      const after = read();
      return Object.fromEntries(
        Object.keys(counters).map((name) => {
          const a = after[name];
          const b = before[name];
          return [name, a === undefined || b === undefined ? undefined : a - b];
        }),
      );
    },
  };
}
