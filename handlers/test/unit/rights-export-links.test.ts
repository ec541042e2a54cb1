import { parseKeyRing } from "../../../common/src/crypto";
import { csvField, csvLine } from "../../src/rights/build-export";
import { checkExportLink, signExportLink } from "../../src/rights/export-links";
import { createRateLimiter } from "../../src/rights/rate-limit";

const RING = parseKeyRing(`k2:${Buffer.alloc(32, 2).toString("base64url")},k1:${Buffer.alloc(32, 1).toString("base64url")}`);
const OLD_RING = parseKeyRing(`k1:${Buffer.alloc(32, 1).toString("base64url")}`);
const ID = "11111111-1111-4111-8111-111111111111";

function partsOf(link: string): { requestId: string; file: string; expires: string; kid: string; sig: string } {
  const url = new URL(link);
  const [, , requestId, file] = url.pathname.split("/");
  return { requestId, file, expires: url.searchParams.get("expires") ?? "", kid: url.searchParams.get("kid") ?? "", sig: url.searchParams.get("sig") ?? "" };
}

describe("export download links", () => {
  const expiresAt = new Date("2026-03-10T00:00:00.000Z");
  const link = signExportLink("https://dl.test", RING, ID, "export.json", expiresAt);

  it("signExportLink names the file, the expiry in seconds and the current key", () => {
    expect(link.startsWith(`https://dl.test/exports/${ID}/export.json?expires=1773100800&kid=k2&sig=`)).toBe(true);
  });

  it("checkExportLink accepts the link before it expires and refuses it from the expiry on", () => {
    expect(checkExportLink(RING, partsOf(link), new Date("2026-03-09T23:59:59.000Z"))).toEqual({ ok: true });
    expect(checkExportLink(RING, partsOf(link), expiresAt)).toEqual({ ok: false, reason: "expired" });
  });

  it("checkExportLink refuses another file, a later expiry or a changed signature", () => {
    const now = new Date("2026-03-01T00:00:00.000Z");
    expect(checkExportLink(RING, { ...partsOf(link), file: "activities.csv" }, now)).toEqual({ ok: false, reason: "bad_signature" });
    expect(checkExportLink(RING, { ...partsOf(link), expires: "1999999999" }, now)).toEqual({ ok: false, reason: "bad_signature" });
    expect(checkExportLink(RING, { ...partsOf(link), sig: "A".repeat(43) }, now)).toEqual({ ok: false, reason: "bad_signature" });
    expect(checkExportLink(RING, { ...partsOf(link), file: "../../etc/passwd" }, now)).toEqual({ ok: false, reason: "unknown_file" });
  });

  it("checkExportLink accepts a link made with an older key still in the ring, and refuses an unknown key id", () => {
    const old = signExportLink("https://dl.test", OLD_RING, ID, "links.csv", expiresAt);
    const now = new Date("2026-03-01T00:00:00.000Z");
    expect(checkExportLink(RING, partsOf(old), now)).toEqual({ ok: true });
    expect(checkExportLink(OLD_RING, partsOf(link), now)).toEqual({ ok: false, reason: "bad_signature" });
  });
});

describe("csvField", () => {
  it("csvField quotes commas, quotes and line breaks and neutralises formulas", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField('a "b", c')).toBe('"a ""b"", c"');
    expect(csvField("line\nbreak")).toBe('"line\nbreak"');
    expect(csvField("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvField(["email", "phone"])).toBe("email;phone");
    expect(csvField(null)).toBe("");
    expect(csvLine([1, true, { a: 1 }])).toBe('1,true,"{""a"":1}"\r\n');
  });
});

describe("createRateLimiter", () => {
  it("createRateLimiter allows `limit` hits per window and says when to retry", () => {
    const limiter = createRateLimiter({ limit: 2, windowMs: 60_000 });
    const t0 = new Date("2026-03-01T00:00:00.000Z");
    expect(limiter.hit("a", t0)).toEqual({ allowed: true });
    expect(limiter.hit("a", new Date(t0.getTime() + 1000))).toEqual({ allowed: true });
    expect(limiter.hit("a", new Date(t0.getTime() + 20_000))).toEqual({ allowed: false, retryAfterSeconds: 40 });
    expect(limiter.hit("b", new Date(t0.getTime() + 20_000))).toEqual({ allowed: true });
    expect(limiter.hit("a", new Date(t0.getTime() + 60_000))).toEqual({ allowed: true });
  });
});
