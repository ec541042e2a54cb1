/**
 * The demo organization's credentials (hasura/seeds/default) and how the values
 * stored in the seeds derive from them. Everything here is public test data for
 * local development: never configure these keys outside a laptop.
 *
 * `npx tsx hasura/scripts/demo-credentials.ts` prints the derived values (DX key
 * hash, ciphertexts, keyed hashes) to paste into the seeds when a credential
 * changes; hasura/test/integration/seeds.test.ts checks that the seeds match.
 */
import { createHash } from "node:crypto";
import { encryptSecret, hashSecretKey, SECRET_CONTEXT, type SecretKeyRing } from "../../common/src/crypto";
import { canonicalize, deriveControllerKey, hashIdentifier, parsePiiMasterKeys, type PiiType } from "../../common/src/pii";

/** A fixed 32-byte key as base64url, derived from a label so it is reproducible. */
function demoKey(label: string): string {
  return createHash("sha256").update(label, "utf8").digest("base64url");
}

export const DEMO_CONTROLLER_ID = "c0000000-0000-4000-8000-000000000001";
export const DEMO_DID = "did:web:acme.example";
export const DEMO_DX_KEY = "dx_demo_acme_not_for_production";
export const DEMO_WEBHOOK_SECRET = "whs_demo_acme_not_for_production";
export const DEMO_CUSTOM_API_KEY = "ck_demo_acme_not_for_production";
export const DEMO_SHOPIFY_SIGNING_SECRET = "shpss_demo_acme_not_for_production";
export const DEMO_STRIPE_SIGNING_SECRET = "whsec_demo_acme_not_for_production";

/** SECRETS_ENCRYPTION_KEYS for the demo (key id `demo`). */
export const DEMO_SECRETS_ENCRYPTION_KEYS = `demo:${demoKey("privacy-platform demo secrets key")}`;
/** PII_HASH_KEYS for the demo (version 1). */
export const DEMO_PII_HASH_KEYS = `1:${demoKey("privacy-platform demo pii hashing key")}`;

/** Context of the requester e-mail ciphertext, named after its column like SECRET_CONTEXT. */
export const REQUESTER_EMAIL_CONTEXT = "data_subject_rights_requests.requester_email_encrypted";

/** Identifiers of the demo data subjects, as the integrations would send them. */
export const DEMO_IDENTIFIERS: ReadonlyArray<{ subject: string; type: PiiType; raw: string }> = [
  { subject: "e0000000-0000-4000-8000-000000000001", type: "email", raw: "Jane.Doe@Example.com" },
  { subject: "e0000000-0000-4000-8000-000000000001", type: "customer_id", raw: "shopify:acme-store.myshopify.com:7001" },
  { subject: "e0000000-0000-4000-8000-000000000002", type: "email", raw: "john.roe@example.org" },
  { subject: "e0000000-0000-4000-8000-000000000003", type: "phone", raw: "+44 20 7183 8750" },
];

/** The address of a person whose erasure the seeds record: only its keyed hash is stored, as a suppression. */
export const DEMO_ERASED_EMAIL = "erased.person@example.net";

/** The demo key ring in the shape common/src/crypto expects. */
export function demoSecretKeyRing(): SecretKeyRing {
  const [kid, key] = DEMO_SECRETS_ENCRYPTION_KEYS.split(":");
  return { currentKid: kid, keys: new Map([[kid, Buffer.from(key, "base64url")]]) };
}

/** Keyed hash of a demo identifier exactly as conduit computes it (privacy-domain.md 12.2-12.3). */
export function demoIdentifierHash(type: PiiType, raw: string): string {
  const canonical = canonicalize(type, raw);
  if (canonical === undefined) throw new Error(`[hasura/demo] ${type} demo value does not canonicalize`);
  return hashIdentifier(deriveControllerKey(parsePiiMasterKeys(DEMO_PII_HASH_KEYS), DEMO_CONTROLLER_ID), type, canonical);
}

function main(): void {
  const ring = demoSecretKeyRing();
  const out: Record<string, string> = {
    dx_key_hash: hashSecretKey(DEMO_DX_KEY),
    webhook_secret_encrypted: encryptSecret(DEMO_WEBHOOK_SECRET, ring, SECRET_CONTEXT.controllerWebhookSecret),
    custom_api_key_hash: hashSecretKey(DEMO_CUSTOM_API_KEY),
    shopify_signing_secret_encrypted: encryptSecret(DEMO_SHOPIFY_SIGNING_SECRET, ring, SECRET_CONTEXT.processorSigningSecret),
    stripe_signing_secret_encrypted: encryptSecret(DEMO_STRIPE_SIGNING_SECRET, ring, SECRET_CONTEXT.processorSigningSecret),
    requester_email_encrypted: encryptSecret("jane.doe@example.com", ring, REQUESTER_EMAIL_CONTEXT),
  };
  for (const id of DEMO_IDENTIFIERS) out[`${id.type} ${id.raw}`] = demoIdentifierHash(id.type, id.raw);
  out[`suppressed email ${DEMO_ERASED_EMAIL}`] = demoIdentifierHash("email", DEMO_ERASED_EMAIL);
  for (const [name, value] of Object.entries(out)) process.stdout.write(`${name}\t${value}\n`);
}

if (require.main === module) main();
