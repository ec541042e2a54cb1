import { GraphqlOperationError } from "../../src/adapters/graphql";
import { catchLinkTaken, isLinkTakenError } from "../../src/identity/resolve-data-subject";
import { DEFAULT_INTAKE_SWEEP, IntakeSweepConfigSchema, intakeSweepOptionsFromConfig } from "../../src/intake/config";
import { describeAttemptError } from "../../src/intake/sweep-stranded-intake";

describe("isLinkTakenError", () => {
  it("is true for the engine's uniqueness violation of the link identifier key", () => {
    const err = new GraphqlOperationError(
      "RecordIntakeWithNewSubject",
      'Uniqueness violation. duplicate key value violates unique constraint "privacy_preserving_links_identifier_key"',
      ["constraint-violation"],
    );
    expect(isLinkTakenError(err)).toBe(true);
  });

  it.each([
    ["another constraint", new GraphqlOperationError("X", 'Uniqueness violation. duplicate key value violates unique constraint "data_subjects_pkey"', ["constraint-violation"])],
    ["another code", new GraphqlOperationError("X", "privacy_preserving_links_identifier_key", ["unexpected"])],
    ["a plain error", new Error('duplicate key value violates unique constraint "privacy_preserving_links_identifier_key"')],
  ])("is false for %s", (_name, err) => {
    expect(isLinkTakenError(err)).toBe(false);
  });
});

describe("catchLinkTaken", () => {
  it("turns a refused link into link_taken, passes results through and rethrows anything else", async () => {
    const taken = new GraphqlOperationError("X", 'violates unique constraint "privacy_preserving_links_identifier_key"', ["constraint-violation"]);
    await expect(catchLinkTaken(() => Promise.reject(taken))).resolves.toEqual({ kind: "link_taken" });
    await expect(catchLinkTaken(() => Promise.resolve(7))).resolves.toBe(7);
    await expect(catchLinkTaken(() => Promise.reject(new Error("engine down")))).rejects.toThrow("engine down");
  });
});

describe("describeAttemptError", () => {
  it("keeps the operation and server message of a GraphQL failure", () => {
    expect(describeAttemptError(new GraphqlOperationError("FindIntakeContext", "database query error", ["unexpected"]))).toBe(
      "[handlers/graphql] FindIntakeContext failed: database query error",
    );
  });

  it("names other errors and bounds the length to 500 characters", () => {
    const long = describeAttemptError(new TypeError("x".repeat(2000)));
    expect(long).toHaveLength(500);
    expect(long.startsWith("TypeError: xxx")).toBe(true);
    expect(long.endsWith("…")).toBe(true);
    expect(describeAttemptError("a string")).toBe("unknown error");
  });
});

describe("intake sweep config", () => {
  it("defaults to 15 minutes, 500 rows, 5 attempts", () => {
    expect(DEFAULT_INTAKE_SWEEP).toEqual({ minAgeMs: 900_000, batchSize: 500, maxAttempts: 5 });
  });

  it("reads the variables and refuses an age shorter than a minute", () => {
    expect(intakeSweepOptionsFromConfig(IntakeSweepConfigSchema.parse({ HANDLERS_INTAKE_SWEEP_AGE_SECONDS: "600", HANDLERS_INTAKE_SWEEP_BATCH_SIZE: "20", HANDLERS_INTAKE_SWEEP_MAX_ATTEMPTS: "2" })))
      .toEqual({ minAgeMs: 600_000, batchSize: 20, maxAttempts: 2 });
    expect(IntakeSweepConfigSchema.safeParse({ HANDLERS_INTAKE_SWEEP_AGE_SECONDS: "30" }).success).toBe(false);
    expect(IntakeSweepConfigSchema.safeParse({ HANDLERS_INTAKE_SWEEP_MAX_ATTEMPTS: "0" }).success).toBe(false);
  });
});
