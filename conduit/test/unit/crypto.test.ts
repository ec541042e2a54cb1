import { createHash } from "node:crypto";
import {
  decodeKey,
  decryptIntegrationToken,
  decryptSecret,
  encryptSecret,
  generateDxKey,
  hashSecretKey,
  issueIntegrationToken,
  parseKeyRing,
  safeEqualBytes,
  safeEqualEncoded,
  safeEqualHashHex,
  safeEqualSecret,
  SECRET_CONTEXT,
  verifySecretKey,
} from "../../../common/src/crypto";

// integrations spec §2.3 test key and tokens
const SPEC_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";
const SPEC_DIR_TOKEN =
  "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..cyV_4VHF-KrUZrEt.h3xwJOFyTcOeDOBDm8hRSY3goKjFsPOvTAPQt0mqMxR9AUrKhcEWGOLv2zXnrrnd2Sv1zu1M.2lhOzLjukIJpiRtGuMCJfQ";
const SPEC_KW_TOKEN =
  "eyJhbGciOiJBMjU2S1ciLCJlbmMiOiJBMjU2R0NNIn0.lpXkEr2dafNyqxRKLxK1jJBPE_BBsCyoscg7YAWQlIKZYUXmC-aXPw.Ww63obNh7L2ZC75R.yFYylG-ycbge19E5bLgdx1y9CF2bKVaG9swsCKW75p8xNRFIzhZOpNHTbDChKNZBrcH6U9sP.IlsEo_x1CcaiGLywgl6w_g";

describe("common/crypto compare", () => {
  test("safeEqualBytes is false on a length mismatch instead of throwing", () => {
    expect(safeEqualBytes(Buffer.from("abc"), Buffer.from("abcd"))).toBe(false);
    expect(safeEqualBytes(Buffer.from("abcd"), Buffer.from("abcd"))).toBe(true);
  });
  test("safeEqualSecret compares variable-length secrets and never matches empty input", () => {
    expect(safeEqualSecret("s3cret-value", "s3cret-value")).toBe(true);
    expect(safeEqualSecret("s3cret-valuE", "s3cret-value")).toBe(false);
    expect(safeEqualSecret("", "")).toBe(false);
  });
  test("safeEqualHashHex checks against a stored SHA-256 hex and rejects malformed digests", () => {
    const stored = createHash("sha256").update("dx_abc").digest("hex");
    expect(safeEqualHashHex("dx_abc", stored)).toBe(true);
    expect(safeEqualHashHex("dx_abd", stored)).toBe(false);
    expect(safeEqualHashHex("dx_abc", "nothex")).toBe(false);
  });
  test("safeEqualEncoded decodes base64 and hex and rejects junk", () => {
    const bytes = Buffer.from([1, 2, 3, 250]);
    expect(safeEqualEncoded(bytes.toString("base64"), bytes, "base64")).toBe(true);
    expect(safeEqualEncoded(bytes.toString("hex"), bytes, "hex")).toBe(true);
    expect(safeEqualEncoded("zz", bytes, "hex")).toBe(false);
    expect(safeEqualEncoded("not base64!", bytes, "base64")).toBe(false);
  });
});

describe("common/crypto keys and DX keys", () => {
  test("decodeKey rejects keys that are not 32 bytes", () => {
    expect(decodeKey(SPEC_KEY).toString("hex")).toBe("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    expect(() => decodeKey("AAEC")).toThrow("must decode to 32 bytes, got 3");
  });
  test("parseKeyRing takes the first entry as current and names bad entries by id", () => {
    const ring = parseKeyRing(`k2:${SPEC_KEY}, k1:${Buffer.alloc(32, 7).toString("base64url")}`);
    expect(ring.currentKid).toBe("k2");
    expect([...ring.keys.keys()]).toEqual(["k2", "k1"]);
    expect(() => parseKeyRing("k1:short")).toThrow('key ring "k1" must decode to 32 bytes');
  });
  test("hashSecretKey is SHA-256 hex and verifySecretKey matches only the same key", () => {
    const key = generateDxKey();
    expect(key).toMatch(/^dx_[A-Za-z0-9_-]{43}$/);
    const hash = hashSecretKey(key);
    expect(hash).toBe(createHash("sha256").update(key).digest("hex"));
    expect(verifySecretKey(key, hash)).toBe(true);
    expect(verifySecretKey(`${key}x`, hash)).toBe(false);
  });
});

describe("common/crypto secret box (AES-256-GCM)", () => {
  const ring = parseKeyRing(`k1:${SPEC_KEY}`);
  test("encryptSecret round-trips and never repeats a ciphertext", () => {
    const a = encryptSecret("whs_topsecret", ring, SECRET_CONTEXT.controllerWebhookSecret);
    const b = encryptSecret("whs_topsecret", ring, SECRET_CONTEXT.controllerWebhookSecret);
    expect(a).toMatch(/^gcm1\.k1\./);
    expect(a).not.toBe(b);
    expect(a).not.toContain("topsecret");
    expect(decryptSecret(a, ring, SECRET_CONTEXT.controllerWebhookSecret)).toBe("whs_topsecret");
  });
  test("decryptSecret fails on a different context (a value moved to another column)", () => {
    const a = encryptSecret("x", ring, SECRET_CONTEXT.controllerWebhookSecret);
    expect(() => decryptSecret(a, ring, SECRET_CONTEXT.processorSigningSecret)).toThrow("decryption failed");
  });
  test("decryptSecret fails on tampering and on an unknown key id", () => {
    const a = encryptSecret("abc", ring, "ctx");
    const parts = a.split(".");
    const ct = Buffer.from(parts[3], "base64url");
    ct[0] ^= 1;
    parts[3] = ct.toString("base64url");
    expect(() => decryptSecret(parts.join("."), ring, "ctx")).toThrow("decryption failed");
    expect(() => decryptSecret(a.replace(".k1.", ".k9."), ring, "ctx")).toThrow('no usable key with id "k9"');
    expect(() => decryptSecret("plain", ring, "ctx")).toThrow("not an encrypted secret");
  });
});

describe("common/crypto integration tokens (JWE)", () => {
  const ring = parseKeyRing(`k1:${SPEC_KEY}`);
  test("decryptIntegrationToken decrypts the spec §2.3 dir/A256GCM vector", async () => {
    await expect(decryptIntegrationToken(SPEC_DIR_TOKEN, ring)).resolves.toEqual({
      ok: true,
      kid: undefined,
      claims: { did: "did:example:org-123", dxKey: "dx_live_abc123" },
    });
  });
  test("decryptIntegrationToken decrypts the spec §2.3 A256KW/A256GCM vector", async () => {
    await expect(decryptIntegrationToken(SPEC_KW_TOKEN, ring)).resolves.toEqual({
      ok: true,
      kid: undefined,
      claims: { did: "did:example:org-123", dxKey: "dx_live_abc123" },
    });
  });
  test("issueIntegrationToken round-trips with a kid and the processor id", async () => {
    const claims = { did: "did:web:acme", dxKey: "dx_1", dpid: "7d3c1f9e-5c4b-4a8e-9e2f-1a2b3c4d5e6f" };
    const token = await issueIntegrationToken(claims, ring);
    expect(token.split(".")[1]).toBe("");
    await expect(decryptIntegrationToken(token, ring)).resolves.toEqual({ ok: true, kid: "k1", claims });
  });
  test("decryptIntegrationToken refuses tampered tokens, other keys and junk", async () => {
    const token = await issueIntegrationToken({ did: "d", dxKey: "x" }, ring);
    const parts = token.split(".");
    parts[3] = `${parts[3].slice(0, -2)}${parts[3].endsWith("AA") ? "BB" : "AA"}`;
    await expect(decryptIntegrationToken(parts.join("."), ring)).resolves.toEqual({ ok: false, reason: "decryption_failed" });
    const other = parseKeyRing(`k1:${Buffer.alloc(32, 9).toString("base64url")}`);
    await expect(decryptIntegrationToken(token, other)).resolves.toEqual({ ok: false, reason: "decryption_failed" });
    const rotated = parseKeyRing(`k2:${Buffer.alloc(32, 9).toString("base64url")}`);
    await expect(decryptIntegrationToken(token, rotated)).resolves.toEqual({ ok: false, reason: "unknown_key" });
    await expect(decryptIntegrationToken("abc", ring)).resolves.toEqual({ ok: false, reason: "malformed_token" });
  });
});
