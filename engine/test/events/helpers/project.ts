/**
 * Sets up the events fixture project on a fresh test database: migrations
 * applied with the CLI-compatible runner, metadata loaded, triggers installed.
 */
import { join } from "node:path";
import { Pool } from "pg";
import { applyMigrations } from "../../../../common/src/db/migrate";
import { loadMetadata, type Metadata } from "../../../../common/src/metadata";
import { createTestDatabase, type TestDatabase } from "../../../../test/helpers/pg";
import { collectEventTriggers, type TableEventTrigger } from "../../../src/events/definition";
import { installEventTriggers } from "../../../src/events/install";

export const EVENTS_PROJECT_DIR = join(__dirname, "..", "..", "fixtures", "events-project");

export interface EventsTestProject {
  db: TestDatabase;
  pool: Pool;
  metadata: Metadata;
  triggers: TableEventTrigger[];
  close(): Promise<void>;
}

export async function setUpEventsProject(prefix: string): Promise<EventsTestProject> {
  const db = await createTestDatabase(prefix);
  await applyMigrations(db.url, join(EVENTS_PROJECT_DIR, "migrations"));
  const metadata = loadMetadata(EVENTS_PROJECT_DIR);
  const triggers = collectEventTriggers(metadata.sources);
  const pool = new Pool({ connectionString: db.url, max: 6 });
  await installEventTriggers(pool, triggers);
  return {
    db,
    pool,
    metadata,
    triggers,
    async close() {
      await pool.end();
      await db.drop();
    },
  };
}

/** The environment the fixture's webhooks and headers read. */
export function fixtureEnv(receiverUrl: string): Record<string, string> {
  return {
    EVENTS_RECEIVER_URL: receiverUrl,
    ACTIVITY_WEBHOOK: `${receiverUrl}/activity`,
    HANDLER_SECRET: "s3cret-handler",
    STATIC_SUFFIX: "v1",
  };
}
