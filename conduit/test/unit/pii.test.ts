import { createHmac } from "node:crypto";
import {
  canonicalDate,
  canonicalEmail,
  canonicalIp,
  canonicalPhone,
  canonicalize,
  deriveControllerKey,
  hashIdentifier,
  hashPiiFields,
  parsePiiMasterKeys,
} from "../../../common/src/pii";

const MASTER = parsePiiMasterKeys(`1:${Buffer.alloc(32, 1).toString("base64url")}`);

describe("common/pii canonical forms (privacy-domain spec §12.3)", () => {
  test("canonicalEmail trims, lowercases and keeps dots and +tags", () => {
    expect(canonicalEmail("  Jane.Doe@Example.COM ")).toBe("jane.doe@example.com");
    expect(canonicalEmail("mailto:Jane+News@Example.com.")).toBe("jane+news@example.com");
    expect(canonicalEmail("<a@b.org>")).toBe("a@b.org");
    expect(canonicalEmail("\u00a0x@BÜCHER.de\u3000")).toBe("x@xn--bcher-kva.de");
    expect(canonicalEmail("weird@local@Example.com")).toBe("weird@local@example.com");
    expect(canonicalEmail("no-at-sign")).toBeUndefined();
    expect(canonicalEmail("@example.com")).toBeUndefined();
    expect(canonicalEmail(`${"a".repeat(250)}@b.co`)).toBeUndefined();
  });
  test("canonicalPhone gives E.164 and rejects invalid numbers", () => {
    expect(canonicalPhone("(415) 555-2671", "US")).toBe("+14155552671");
    expect(canonicalPhone("+44 (0)20 7183 8750")).toBe("+442071838750");
    expect(canonicalPhone("0044 20 7183 8750")).toBe("+442071838750");
    expect(canonicalPhone("+1 415 555 2671 ext. 12")).toBe("+14155552671");
    expect(canonicalPhone("555-0100", "US")).toBeUndefined();
    expect(canonicalPhone("12", "US")).toBeUndefined();
  });
  test("canonicalIp normalises IPv6 and v4-mapped addresses", () => {
    expect(canonicalIp(" 10.20.10.30 ")).toBe("10.20.10.30");
    expect(canonicalIp("2001:DB8:0:0:0:0:0:1")).toBe("2001:db8::1");
    expect(canonicalIp("::ffff:192.0.2.1")).toBe("192.0.2.1");
    expect(canonicalIp("999.1.1.1")).toBeUndefined();
  });
  test("canonicalDate accepts real ISO dates only", () => {
    expect(canonicalDate("1990-02-28T10:00:00Z")).toBe("1990-02-28");
    expect(canonicalDate("1990-02-30")).toBeUndefined();
    expect(canonicalDate("28/02/1990")).toBeUndefined();
  });
  test("canonicalize collapses spaces in names and keeps platform ids as given", () => {
    expect(canonicalize("name", "  Jane   Doe ")).toBe("jane doe");
    expect(canonicalize("postal_code", "sw1a 1aa")).toBe("sw1a1aa");
    expect(canonicalize("customer_id", "stripe:acct:cus_AbC")).toBe("stripe:acct:cus_AbC");
  });
});

describe("common/pii keyed hashing (privacy-domain spec §12.2)", () => {
  test("hashIdentifier is HMAC-SHA-256 over type:canonical with the derived controller key", () => {
    const key = deriveControllerKey(MASTER, "controller-1");
    const expected = createHmac("sha256", key.key).update("email:jane.doe@example.com").digest("hex");
    expect(hashIdentifier(key, "email", "jane.doe@example.com")).toBe(expected);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
  });
  test("deriveControllerKey separates controllers and versions", () => {
    const a = deriveControllerKey(MASTER, "controller-1");
    const b = deriveControllerKey(MASTER, "controller-2");
    expect(Buffer.from(a.key).equals(Buffer.from(b.key))).toBe(false);
    expect(hashIdentifier(a, "email", "x@y.z")).not.toBe(hashIdentifier(b, "email", "x@y.z"));
    expect(() => deriveControllerKey(MASTER, "controller-1", 2)).toThrow("no master key for version 2");
  });
  test("the type prefix separates domains", () => {
    const key = deriveControllerKey(MASTER, "c");
    expect(hashIdentifier(key, "email", "123")).not.toBe(hashIdentifier(key, "customer_id", "123"));
  });
  test("hashPiiFields normalises, de-duplicates, rejects invalid values and keeps no raw value", () => {
    const key = deriveControllerKey(MASTER, "c");
    const result = hashPiiFields(
      [
        { type: "email", path: "$.email", value: " Jane@Example.com" },
        { type: "email", path: "$.billing.email", value: "jane@example.com" },
        { type: "phone", path: "$.phone", value: "555-0100" },
      ],
      key,
      { defaultRegion: "US" },
    );
    expect(result).toEqual({
      fields: [{ type: "email", hash: hashIdentifier(key, "email", "jane@example.com"), path: "$.email", keyVersion: 1 }],
      rejected: [{ type: "phone", path: "$.phone" }],
    });
    expect(JSON.stringify(result)).not.toContain("jane");
  });
  test("parsePiiMasterKeys takes the first version as current", () => {
    const keys = parsePiiMasterKeys(`3:${Buffer.alloc(32, 3).toString("base64url")},2:${Buffer.alloc(32, 2).toString("base64url")}`);
    expect(keys.current).toBe(3);
    expect([...keys.keys.keys()]).toEqual([3, 2]);
    expect(() => parsePiiMasterKeys("1:AAAA")).toThrow("PII key version 1 must be 32 bytes");
  });
});
