/**
 * Several engine processes on one port (ENGINE_WORKERS > 1), with node:cluster.
 *
 * Why: the engine's work per request (HTTP, GraphQL validation, SQL
 * compilation, JSON) runs on one JavaScript thread, so one process uses one
 * core. Hasura's engine uses every core of its machine; a cluster of workers
 * sharing the listening socket does the same here.
 *
 * Roles:
 * - the primary applies migrations at start (once), forks the workers, relays
 *   metadata reloads between them, replaces a worker that dies, and on
 *   SIGTERM/SIGINT stops them all and exits 0;
 * - worker 0 is the background worker: it alone runs the extensions' loops
 *   (event delivery, cron and scheduled events). It starts first, so the
 *   catalog objects it installs exist before the others load;
 * - every worker serves the whole HTTP API. A metadata operation that reloads
 *   change on one worker (reload_metadata, replace_metadata, clear_metadata)
 *   is replayed on the others, so every worker answers with the same schema.
 */
import cluster, { type Worker } from "node:cluster";
import { z } from "zod";
import type { Logger } from "../../common/src/logger";
import type { EngineExtension } from "./extensions";
import type { EngineMetadata } from "./metadata";
import type { ChangeOptions, MetadataChange } from "./server";

const INDEX_ENV = "ENGINE_WORKER_INDEX";

/** EngineMetadata crosses the IPC channel as JSON; it is plain data loaded from YAML/JSON, rebuilt and checked by the receiving engine. */
const ChangeSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("reloaded") }),
  z.object({ kind: z.literal("replaced"), metadata: z.record(z.string(), z.unknown()) }),
]);

const MessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("engine:ready") }),
  // worker -> primary: this worker changed its metadata; primary -> other workers: apply the same change.
  z.object({ type: z.literal("engine:changed"), change: ChangeSchema }),
  z.object({ type: z.literal("engine:apply"), change: ChangeSchema }),
]);
type Message = z.infer<typeof MessageSchema>;

/** This process' place in a cluster: null when it runs alone. */
export function clusterWorkerIndex(env: Readonly<Record<string, string | undefined>> = process.env): number | null {
  if (!cluster.isWorker) return null;
  const index = Number(env[INDEX_ENV]);
  return Number.isInteger(index) && index >= 0 ? index : null;
}

/** The extensions a worker runs: all of them, but only the background worker starts their loops. */
export function extensionsForWorker(extensions: readonly EngineExtension[], background: boolean): EngineExtension[] {
  return background ? [...extensions] : extensions.map((e) => ({ ...e, start: undefined, stop: undefined }));
}

/** What a worker needs of its engine to replay a change. */
export interface ReplayTarget {
  reload(options: ChangeOptions): Promise<void>;
  replaceMetadata(metadata: EngineMetadata, allowInconsistent: boolean, options: ChangeOptions): Promise<unknown>;
}

/**
 * The worker side of change relaying. Pass `changed` as the engine's
 * onMetadataChanged; `listen(engine)` replays the changes other workers made
 * (a reload re-reads the project directory; replace_metadata and
 * clear_metadata carry the new metadata, which exists only in memory).
 */
export function createWorkerLink(logger: Logger): { changed(change: MetadataChange): void; ready(): void; listen(engine: ReplayTarget): void } {
  const send = (message: Message): void => {
    process.send?.(message);
  };
  return {
    changed(change) {
      send({ type: "engine:changed", change: change.kind === "reloaded" ? change : { kind: "replaced", metadata: change.metadata as unknown as Record<string, unknown> } });
    },
    ready() {
      send({ type: "engine:ready" });
    },
    listen(engine) {
      process.on("message", (raw: unknown) => {
        const parsed = MessageSchema.safeParse(raw);
        if (!parsed.success || parsed.data.type !== "engine:apply") return;
        const change = parsed.data.change;
        // The originating worker already checked the metadata; inconsistent objects are left out here as they were there.
        const applied =
          change.kind === "reloaded"
            ? engine.reload({ replay: true })
            : engine.replaceMetadata(change.metadata as unknown as EngineMetadata, true, { replay: true });
        applied.catch((err: unknown) => logger.error({ err }, "replaying a metadata change failed; this worker keeps its previous metadata"));
      });
    },
  };
}

export interface PrimaryOptions {
  workers: number;
  logger: Logger;
  /** Time given to workers to finish after SIGTERM before they are killed. */
  stopTimeoutMs?: number;
  /** Restarts allowed within a minute before the primary gives up and exits 1. */
  maxRestartsPerMinute?: number;
}

/** Runs the primary: forks the workers (worker 0 first) and supervises them until a signal. */
export async function runPrimary(options: PrimaryOptions): Promise<void> {
  const { logger } = options;
  const stopTimeoutMs = options.stopTimeoutMs ?? 30_000;
  const maxRestarts = options.maxRestartsPerMinute ?? 5;
  const byIndex = new Map<number, Worker>();
  const restarts: number[] = [];
  /**
   * The last replace_metadata / clear_metadata: it lives only in the workers'
   * memory, so a worker started later (a replacement) gets it once ready.
   * Until then it serves the project directory, as every worker does at start.
   */
  let replaced: Extract<Message, { type: "engine:apply" }> | null = null;
  let stopping = false;

  const fork = (index: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const worker = cluster.fork({ [INDEX_ENV]: String(index) });
      byIndex.set(index, worker);
      let ready = false;
      worker.on("message", (raw: unknown) => {
        const parsed = MessageSchema.safeParse(raw);
        if (!parsed.success) return;
        if (parsed.data.type === "engine:ready" && !ready) {
          ready = true;
          if (replaced) worker.send(replaced);
          resolve();
        } else if (parsed.data.type === "engine:changed") {
          const apply = { type: "engine:apply" as const, change: parsed.data.change };
          if (apply.change.kind === "replaced") replaced = apply;
          for (const [i, other] of byIndex) if (i !== index && other.isConnected()) other.send(apply);
        }
      });
      worker.on("exit", (code, signal) => {
        if (byIndex.get(index) === worker) byIndex.delete(index);
        if (!ready) {
          reject(new Error(`engine worker ${index} exited before it was ready (code ${code ?? "none"}, signal ${signal ?? "none"})`));
          return;
        }
        if (stopping) return;
        const now = Date.now();
        restarts.push(now);
        while (restarts.length > 0 && restarts[0] < now - 60_000) restarts.shift();
        if (restarts.length > maxRestarts) {
          logger.error({ worker: index, code, signal }, "engine workers keep dying; stopping");
          void stopAll(1);
          return;
        }
        logger.error({ worker: index, code, signal }, "engine worker died; starting a new one");
        fork(index).catch((err: unknown) => {
          logger.error({ err, worker: index }, "engine worker could not be restarted; stopping");
          void stopAll(1);
        });
      });
    });

  const stopAll = async (exitCode: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    const alive = [...byIndex.values()].filter((w) => !w.isDead());
    const exited = alive.map((w) => new Promise<void>((resolve) => (w.isDead() ? resolve() : w.once("exit", () => resolve()))));
    for (const w of alive) w.process.kill("SIGTERM");
    const timer = setTimeout(() => {
      for (const w of alive) if (!w.isDead()) w.process.kill("SIGKILL");
    }, stopTimeoutMs);
    await Promise.all(exited);
    clearTimeout(timer);
    process.exit(exitCode);
  };
  process.on("SIGTERM", () => void stopAll(0));
  process.on("SIGINT", () => void stopAll(0));

  try {
    await fork(0);
    await Promise.all(Array.from({ length: options.workers - 1 }, (_, i) => fork(i + 1)));
  } catch (err: unknown) {
    logger.error({ err }, "engine workers failed to start");
    await stopAll(1);
    return;
  }
  logger.info({ workers: options.workers }, "engine workers ready");
}
