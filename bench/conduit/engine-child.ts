/** The engine alone (no event workers), for the benchmark: `tsx engine-child.ts <databaseUrl> <port> <adminSecret>`. */
import { join } from "node:path";
import { createEngine } from "../../engine/src/server";

async function run(): Promise<void> {
  const [databaseUrl, port, adminSecret] = process.argv.slice(2);
  const engine = await createEngine({ databaseUrl, projectDir: join(__dirname, "..", "..", "hasura"), adminSecret, poolSize: 20 });
  const server = engine.app.listen(Number(port), "127.0.0.1", () => process.stdout.write("ready\n"));
  process.on("SIGTERM", () => server.close(() => void engine.close().then(() => process.exit(0))));
}
void run();
