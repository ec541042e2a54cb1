/**
 * did:key identifiers for data subjects (W3C CCG did:key method): the DID is
 * `did:key:z` + base58btc(multicodec ed25519-pub prefix 0xed 0x01 ‖ 32-byte
 * Ed25519 public key). The key pair comes from node:crypto; the private key is
 * dropped as soon as the public key is exported, so the platform can never
 * sign as the subject (the subject gets a stable pseudonymous identifier, not
 * a wallet).
 */
import { generateKeyPairSync } from "node:crypto";

const BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
/** Multicodec varint for ed25519-pub (0xed), multicodec table. */
const ED25519_PUB_PREFIX = Uint8Array.from([0xed, 0x01]);

/** Bitcoin-style base58 (leading zero bytes become "1"). */
export function base58btcEncode(bytes: Uint8Array): string {
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros += 1;
  const digits: number[] = [];
  for (let i = zeros; i < bytes.length; i += 1) {
    let carry = bytes[i];
    for (let j = 0; j < digits.length; j += 1) {
      carry += digits[j] << 8;
      digits[j] = carry % 58;
      carry = Math.floor(carry / 58);
    }
    while (carry > 0) {
      digits.push(carry % 58);
      carry = Math.floor(carry / 58);
    }
  }
  return "1".repeat(zeros) + digits.reverse().map((d) => BASE58_ALPHABET[d]).join("");
}

/** Inverse of base58btcEncode; throws on a character outside the alphabet. */
export function base58btcDecode(text: string): Uint8Array {
  let zeros = 0;
  while (zeros < text.length && text[zeros] === "1") zeros += 1;
  const bytes: number[] = [];
  for (let i = zeros; i < text.length; i += 1) {
    let carry = BASE58_ALPHABET.indexOf(text[i]);
    if (carry < 0) throw new Error("[handlers/did] not a base58btc string");
    for (let j = 0; j < bytes.length; j += 1) {
      carry += bytes[j] * 58;
      bytes[j] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 0xff);
      carry >>= 8;
    }
  }
  return Uint8Array.from([...new Array<number>(zeros).fill(0), ...bytes.reverse()]);
}

/** The did:key of a raw 32-byte Ed25519 public key. */
export function didKeyFromEd25519PublicKey(publicKey: Uint8Array): string {
  if (publicKey.length !== 32) throw new Error("[handlers/did] an Ed25519 public key is 32 bytes");
  const bytes = new Uint8Array(ED25519_PUB_PREFIX.length + publicKey.length);
  bytes.set(ED25519_PUB_PREFIX, 0);
  bytes.set(publicKey, ED25519_PUB_PREFIX.length);
  return `did:key:z${base58btcEncode(bytes)}`;
}

/** The raw Ed25519 public key inside a did:key, or undefined when it is not one. */
export function ed25519PublicKeyFromDidKey(did: string): Uint8Array | undefined {
  if (!did.startsWith("did:key:z")) return undefined;
  let bytes: Uint8Array;
  try {
    bytes = base58btcDecode(did.slice("did:key:z".length));
  } catch {
    return undefined;
  }
  if (bytes.length !== 34 || bytes[0] !== ED25519_PUB_PREFIX[0] || bytes[1] !== ED25519_PUB_PREFIX[1]) return undefined;
  return bytes.slice(2);
}

/** A fresh did:key; the private half of the key pair is discarded. */
export function generateDidKey(): string {
  const { publicKey } = generateKeyPairSync("ed25519");
  const jwk = publicKey.export({ format: "jwk" });
  if (typeof jwk.x !== "string") throw new Error("[handlers/did] Ed25519 JWK without x");
  return didKeyFromEd25519PublicKey(new Uint8Array(Buffer.from(jwk.x, "base64url")));
}
