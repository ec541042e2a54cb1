/**
 * HASURA_GRAPHQL_JWT_SECRET: Hasura's JSON JWT configuration (contract 4.2;
 * docs: auth/authentication/jwt). Parsed with zod; keys imported with jose.
 */
import { z } from "zod";
import { createRemoteJWKSet, importSPKI, importX509, type JWTVerifyGetKey, type KeyLike } from "jose";

const ALGORITHMS = ["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "Ed25519", "ES256", "ES384", "ES512"] as const;

const ClaimsMapValueSchema = z.union([
  z.object({ path: z.string(), default: z.unknown().optional() }),
  z.string(),
  z.array(z.string()),
]);

export const JwtConfigSchema = z
  .object({
    type: z.enum(ALGORITHMS).optional(),
    key: z.string().min(1).optional(),
    jwk_url: z.url().optional(),
    claims_namespace: z.string().optional(),
    claims_namespace_path: z.string().optional(),
    claims_format: z.enum(["json", "stringified_json"]).default("json"),
    claims_map: z.record(z.string(), ClaimsMapValueSchema).optional(),
    audience: z.union([z.string(), z.array(z.string())]).optional(),
    issuer: z.string().optional(),
    allowed_skew: z.number().nonnegative().optional(),
    header: z
      .union([
        z.object({ type: z.literal("Authorization") }),
        z.object({ type: z.literal("Cookie"), name: z.string().min(1) }),
        z.object({ type: z.literal("CustomHeader"), name: z.string().min(1) }),
      ])
      .default({ type: "Authorization" }),
  })
  .refine((c) => (c.key === undefined) !== (c.jwk_url === undefined), "give exactly one of key or jwk_url")
  .refine((c) => c.key === undefined || c.type !== undefined, "type is required with key")
  .refine((c) => !(c.claims_namespace !== undefined && c.claims_namespace_path !== undefined), "claims_namespace and claims_namespace_path are exclusive")
  .refine((c) => c.type === undefined || !c.type.startsWith("HS") || (c.key ?? "").length >= 32, "an HMAC key must be at least 32 characters");
export type JwtConfig = z.infer<typeof JwtConfigSchema>;

export const DEFAULT_CLAIMS_NAMESPACE = "https://hasura.io/jwt/claims";

/** A parsed config with its verification key ready. */
export interface JwtVerifier {
  config: JwtConfig;
  key: KeyLike | Uint8Array | JWTVerifyGetKey;
  algorithms: string[] | undefined;
}

/**
 * Parses the env value (JSON text). Throws an Error naming the problem (never
 * the key) when it is not valid JSON, fails the schema, or the key cannot be imported.
 */
export async function parseJwtConfig(text: string): Promise<JwtVerifier> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error("[engine/auth] HASURA_GRAPHQL_JWT_SECRET is not valid JSON");
  }
  const parsed = JwtConfigSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(`[engine/auth] HASURA_GRAPHQL_JWT_SECRET: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`);
  }
  const config = parsed.data;
  if (config.jwk_url) return { config, key: createRemoteJWKSet(new URL(config.jwk_url)), algorithms: undefined };
  const type = config.type as (typeof ALGORITHMS)[number];
  const key = config.key as string;
  const alg = type === "Ed25519" ? "EdDSA" : type;
  if (type.startsWith("HS")) return { config, key: new TextEncoder().encode(key), algorithms: [alg] };
  const pem = key.replace(/\\n/g, "\n");
  const imported = pem.includes("BEGIN CERTIFICATE") ? await importX509(pem, alg) : await importSPKI(pem, alg);
  return { config, key: imported, algorithms: [alg] };
}
