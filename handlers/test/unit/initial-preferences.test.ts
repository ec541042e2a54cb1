import { initialPreferences } from "../../src/subjects/initial-preferences";

describe("initialPreferences", () => {
  it("initialPreferences denies opt-in purposes except strictly necessary ones, grants opt-out ones, and lets denied win", () => {
    const result = initialPreferences([
      { regime: "opt_in", categories: [{ purposeId: "analytics", isRequired: false }, { purposeId: "necessary", isRequired: true }, { purposeId: null, isRequired: false }] },
      { regime: "opt_out", categories: [{ purposeId: "sale", isRequired: false }, { purposeId: "analytics", isRequired: false }] },
    ]);
    expect([...result.entries()].sort()).toEqual([["analytics", false], ["necessary", true], ["sale", true]]);
  });
});
