/**
 * A delivery worker in its own process, for the crash and multi-process tests
 * (run with tsx). Reads its settings from the environment:
 *   DATABASE_URL, RECEIVER_URL          where to read events and deliver them
 *   BATCH_SIZE, POOL_SIZE               fetch batch and concurrency
 *   STALE_LOCK_SECONDS                  abandoned-lock age
 *   PAUSE_AFTER_CLAIM=1                 claim one batch, print CLAIMED, then wait forever
 * Prints READY once running; SIGTERM stops it gracefully and prints STOPPED.
 */
import { Pool } from "pg";
import { loadMetadata } from "../../../../common/src/metadata";
import { collectEventTriggers } from "../../../src/events/definition";
import { prepareTriggers } from "../../../src/events/prepare";
import { DEFAULT_EVENT_SETTINGS } from "../../../src/events/settings";
import { EventWorker } from "../../../src/events/worker";
import { EVENTS_PROJECT_DIR, fixtureEnv } from "./project";

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`[run-worker] ${name} is required`);
  return value;
}

async function main(): Promise<void> {
  const pool = new Pool({ connectionString: required("DATABASE_URL"), max: 4 });
  const metadata = loadMetadata(EVENTS_PROJECT_DIR);
  const { triggers } = prepareTriggers(collectEventTriggers(metadata.sources), fixtureEnv(required("RECEIVER_URL")));
  const pause = process.env.PAUSE_AFTER_CLAIM === "1";
  const worker = new EventWorker({
    pool,
    settings: {
      ...DEFAULT_EVENT_SETTINGS,
      batchSize: Number(process.env.BATCH_SIZE ?? 100),
      poolSize: Number(process.env.POOL_SIZE ?? 100),
      fetchIntervalMs: 50,
      staleLockSeconds: Number(process.env.STALE_LOCK_SECONDS ?? 1800),
    },
    onClaimed: async (ids) => {
      process.stdout.write(`CLAIMED ${ids.length}\n`);
      if (pause) await new Promise<never>(() => undefined);
    },
  });
  worker.setTriggers(triggers);
  worker.start();
  process.stdout.write("READY\n");
  process.once("SIGTERM", () => {
    void worker
      .stop()
      .then(() => pool.end())
      .then(() => {
        process.stdout.write("STOPPED\n");
        process.exit(0);
      });
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
