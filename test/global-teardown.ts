import type { EmbeddedServer } from "../common/src/db/embedded";

export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as { __ppTestPg?: EmbeddedServer }).__ppTestPg;
  if (server) await server.stop();
}
