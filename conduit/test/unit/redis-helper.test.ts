/** The Redis test helper fails with the install command, never skips, when redis-server is missing. */
import { findRedisServer, REDIS_INSTALL_HINT } from "../helpers/redis";

test("a missing redis-server is an error that says how to install it", () => {
  expect(() => findRedisServer("/nonexistent-dir", [])).toThrow(REDIS_INSTALL_HINT);
  expect(REDIS_INSTALL_HINT).toContain("apt-get update && apt-get install -y redis-server");
});

test("redis-server is found on this machine (the integration test needs it)", () => {
  expect(findRedisServer()).toMatch(/\/redis-server$/);
});
