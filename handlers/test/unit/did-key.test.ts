import { base58btcDecode, base58btcEncode, didKeyFromEd25519PublicKey, ed25519PublicKeyFromDidKey, generateDidKey } from "../../src/subjects/did-key";

// Known answers: Ed25519 keys (publicKeyBase58) and their did:key, as the DID
// documents in the test data of openwallet-foundation/acapy
// (aries_cloudagent/vc/tests/dids.py) and credo-ts give them.
const VECTORS = [
  ["did:key:z6Mkgg342Ycpuk263R9d8Aq6MUaxPn1DDeHyGo38EefXmgDL", "3Dn1SJNPaCXcvvJvSbsFWP2xaCjMom3can8CQNhWrTRx"],
  ["did:key:z6MkvePyWAApUVeDboZhNbckaWHnqtD6pCETd6xoqGbcpEBV", "HC8vuuvP8x9kVJizh2eujQjo2JwFQJz6w63szzdbu1Q7"],
] as const;

describe("did:key", () => {
  it.each(VECTORS)("didKeyFromEd25519PublicKey gives %s for its published key", (did, keyBase58) => {
    const key = base58btcDecode(keyBase58);
    expect(key).toHaveLength(32);
    expect(didKeyFromEd25519PublicKey(key)).toBe(did);
    expect(Buffer.from(ed25519PublicKeyFromDidKey(did) ?? [])).toEqual(Buffer.from(key));
  });

  it("base58btc keeps leading zero bytes and round-trips", () => {
    expect(base58btcEncode(Uint8Array.from([0, 0, 1]))).toBe("112");
    expect(base58btcEncode(Uint8Array.from([]))).toBe("");
    const bytes = Uint8Array.from([0, 255, 17, 3, 0, 99]);
    expect(Buffer.from(base58btcDecode(base58btcEncode(bytes)))).toEqual(Buffer.from(bytes));
    expect(() => base58btcDecode("0OIl")).toThrow("[handlers/did] not a base58btc string");
  });

  it("generateDidKey gives a fresh Ed25519 did:key each time", () => {
    const a = generateDidKey();
    const b = generateDidKey();
    expect(a).toMatch(/^did:key:z6Mk[1-9A-HJ-NP-Za-km-z]{44}$/);
    expect(a).not.toBe(b);
    expect(ed25519PublicKeyFromDidKey(a)).toHaveLength(32);
  });

  it("ed25519PublicKeyFromDidKey refuses other DIDs and other key types", () => {
    expect(ed25519PublicKeyFromDidKey("did:web:acme.example")).toBeUndefined();
    expect(ed25519PublicKeyFromDidKey(`did:key:z${base58btcEncode(Uint8Array.from([0xe7, 0x01, ...new Array<number>(33).fill(1)]))}`)).toBeUndefined();
    expect(ed25519PublicKeyFromDidKey("did:key:z0")).toBeUndefined();
  });
});
