/** Pure pieces of the intake path: cache, deadline, form parsing, content key, custom field checks, extraction. */
import { deriveControllerKey, parsePiiMasterKeys } from "../../../common/src/pii";
import { contentKey } from "../../src/intake/build-rows";
import { gdprDueDate } from "../../src/intake/due-date";
import { checkDefinedFields, CustomIntegrationConfigSchema } from "../../src/integrations/custom/schemas";
import { addressField, collectPii, valuesAt } from "../../src/integrations/extract";
import { nestedForm } from "../../src/integrations/form";
import { TtlLru } from "../../src/store/lru";

describe("TtlLru", () => {
  test("evicts the least recently used entry past its size and expires entries after the TTL", () => {
    let now = 0;
    const lru = new TtlLru<number>(2, 100, () => now);
    lru.set("a", 1);
    lru.set("b", 2);
    expect(lru.get("a")).toBe(1); // a is now most recent
    lru.set("c", 3);
    expect(lru.get("b")).toBeUndefined();
    expect(lru.get("a")).toBe(1);
    now = 100;
    expect(lru.get("a")).toBeUndefined();
    expect(lru.size).toBe(1);
  });
});

describe("gdprDueDate", () => {
  test("is the same date next month, clamped to the month's end (Reg. 1182/71 Art. 3)", () => {
    expect(gdprDueDate(new Date("2026-01-15T12:00:00Z")).toISOString()).toBe("2026-02-15T12:00:00.000Z");
    expect(gdprDueDate(new Date("2026-01-31T08:00:00Z")).toISOString()).toBe("2026-02-28T08:00:00.000Z");
    expect(gdprDueDate(new Date("2028-01-31T08:00:00Z")).toISOString()).toBe("2028-02-29T08:00:00.000Z");
    expect(gdprDueDate(new Date("2026-12-31T23:00:00Z")).toISOString()).toBe("2027-01-31T23:00:00.000Z");
  });
});

describe("nestedForm", () => {
  test("nests bracketed keys as Mailchimp sends them", () => {
    expect(nestedForm(Buffer.from("type=subscribe&data%5Bmerges%5D%5BFNAME%5D=Jane+Q&data%5Bid%5D=1"))).toEqual({ type: "subscribe", data: { merges: { FNAME: "Jane Q" }, id: "1" } });
  });
  test("refuses prototype keys and overly deep nesting", () => {
    expect(() => nestedForm(Buffer.from("data%5B__proto__%5D%5Bx%5D=1"))).toThrow("Unsupported form field name");
    expect(() => nestedForm(Buffer.from("a[b][c][d][e][f][g]=1"))).toThrow("Unsupported form field name");
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe("contentKey", () => {
  const key = deriveControllerKey(parsePiiMasterKeys(`1:${Buffer.alloc(32, 4).toString("base64url")}`), "c1");
  test("does not depend on the order of the PII hashes and changes with the event type or processor", () => {
    const k1 = contentKey(key, "c1", "p1", "customers/create", ["email:aa", "phone:bb"]);
    expect(contentKey(key, "c1", "p1", "customers/create", ["phone:bb", "email:aa"])).toBe(k1);
    expect(contentKey(key, "c1", "p1", "customers/update", ["email:aa", "phone:bb"])).not.toBe(k1);
    expect(contentKey(key, "c1", "p2", "customers/create", ["email:aa", "phone:bb"])).not.toBe(k1);
    expect(k1).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("custom integration definitions", () => {
  test("rejects duplicate events and mappings to undefined events, naming the paths", () => {
    const result = CustomIntegrationConfigSchema.safeParse({
      eventDefinitions: [{ name: "a", fields: [] }, { name: "a", fields: [] }],
      fieldMappings: [{ event: "b", path: "email", piiType: "email" }],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["eventDefinitions.1.name", "duplicate event name"],
      ["fieldMappings.0.event", "names no defined event"],
    ]);
  });
  test("checkDefinedFields reports missing required and mistyped fields, ignores extras", () => {
    const def = { name: "e", fields: [{ path: "user.email", type: "string" as const, required: true }, { path: "age", type: "number" as const, required: false }] };
    expect(checkDefinedFields({ age: "x", extra: 1 }, def)).toEqual([
      { path: "user.email", message: "is required" },
      { path: "age", message: "expected number" },
    ]);
    expect(checkDefinedFields({ user: { email: "a@b.co" }, extra: { deep: true } }, def)).toEqual([]);
  });
});

describe("extract", () => {
  test("walks wildcards and skips empty values", () => {
    const body = { items: [{ email: "a@b.co" }, { email: "" }, { email: "c@d.co" }], n: 5 };
    expect(valuesAt(body, "$.items[*].email")).toEqual(["a@b.co", "c@d.co"]);
    expect(valuesAt([{ x: 1 }, { x: 2 }], "$[*].x")).toEqual(["1", "2"]);
    expect(collectPii(body, [["$.items[*].email", "email"]]).map((f) => f.path)).toEqual(["$.items[*].email", "$.items[*].email"]);
    expect(addressField({ a: { line1: "1 Road", city: "Town", zip: null } }, "$.a", ["line1", "city", "zip"])).toEqual([
      { type: "postal_address", path: "$.a", value: "1 Road, Town" },
    ]);
  });
});
