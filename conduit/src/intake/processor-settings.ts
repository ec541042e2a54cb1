/**
 * What a processor row holds for verification: its signing secrets (decrypted;
 * a JSON array of strings during a rotation, current first) and its platform
 * checks from `config`.
 */
import { z } from "zod";
import { decryptSecret, SECRET_CONTEXT, type SecretKeyRing } from "../../../common/src/crypto";
import type { ProcessorChecks } from "../integrations/types";
import type { ProcessorRecord } from "../store/types";

export const ProcessorChecksSchema = z.looseObject({
  salesforceOrganizationId: z.string().min(15).optional(),
  googleChannelToken: z.string().min(1).max(256).optional(),
  googleChannelId: z.string().min(1).optional(),
  klaviyoWebhookId: z.string().min(1).optional(),
  toleranceSeconds: z.number().int().positive().max(86_400).optional(),
  defaultRegion: z.string().regex(/^[A-Z]{2}$/).optional(),
});

/*
 * Both results are memoised per processor record object. The store caches a
 * record for a short TTL and builds a new object when it reloads the row, so a
 * rotated secret or edited config is seen as soon as the store sees it, and
 * the memo goes away with the record (WeakMap). This saves a zod parse and an
 * AES-GCM decryption on every webhook of a busy integration.
 */
const CHECKS = new WeakMap<ProcessorRecord, ProcessorChecks>();
const SECRETS = new WeakMap<ProcessorRecord, { keys: SecretKeyRing; secrets: readonly string[] }>();

export function processorChecks(processor: ProcessorRecord): ProcessorChecks {
  const known = CHECKS.get(processor);
  if (known) return known;
  const parsed = ProcessorChecksSchema.safeParse(processor.config ?? {});
  if (!parsed.success) throw new Error(`[conduit/intake] data_processors.config of ${processor.id} is invalid`);
  CHECKS.set(processor, parsed.data);
  return parsed.data;
}

/** Decrypted signing secrets, current first; empty when none is configured. */
export function processorSecrets(processor: ProcessorRecord, keys: SecretKeyRing): string[] {
  const known = SECRETS.get(processor);
  if (known && known.keys === keys) return [...known.secrets];
  const secrets = decryptProcessorSecrets(processor, keys);
  SECRETS.set(processor, { keys, secrets });
  return [...secrets];
}

function decryptProcessorSecrets(processor: ProcessorRecord, keys: SecretKeyRing): string[] {
  if (!processor.signingSecretEncrypted) return [];
  const plain = decryptSecret(processor.signingSecretEncrypted, keys, SECRET_CONTEXT.processorSigningSecret);
  if (plain.startsWith("[")) {
    const list = z.array(z.string().min(1)).min(1).safeParse(JSON.parse(plain));
    if (!list.success) throw new Error(`[conduit/intake] signing secret list of ${processor.id} is invalid`);
    return list.data;
  }
  return [plain];
}

/** The value to store for one or several secrets (rotation keeps the old one second). */
export function signingSecretPlaintext(secrets: readonly string[]): string {
  return secrets.length === 1 ? secrets[0] : JSON.stringify(secrets);
}
