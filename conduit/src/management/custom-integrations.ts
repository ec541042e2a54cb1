/**
 * Custom-integration management (issue 5): onboard, list, get, update, delete
 * and rotate the API key of a custom integration. This is the one
 * implementation behind both front doors:
 * - handlers' Hasura actions (handlers/src/integrations/custom-actions.ts), which
 *   authenticate a signed-in user and pass the controllers that user may manage;
 * - conduit's CLI (management/integrations.ts), which authenticates a DID + DX
 *   key and passes that one controller.
 *
 * Why it lives in conduit/ and handlers imports it, rather than in common/: it
 * writes exactly what conduit reads back on every webhook (the API key's hash
 * that auth/authenticate.ts checks, the did + dpid URL shape, the controller's
 * webhook secret under its encryption context, and definitions parsed with the
 * same CustomIntegrationConfigSchema the intake validates events with). Keeping
 * the writer beside its reader means the webhook contract changes in one
 * place; common/ would have to take conduit's schemas and store along with it.
 * handlers/Dockerfile copies conduit/ for this import.
 *
 * Every function takes a `Scope` (the controllers the caller may manage) and
 * answers NotFoundError for anything outside it, so one tenant cannot tell
 * another tenant's integration from a missing one. Secrets (API key, webhook
 * secret, signing secret) are returned by onboarding and rotation only; the
 * API key is stored as its SHA-256 (hashSecretKey), never in clear.
 */
import { z } from "zod";
import { decryptSecret, encryptSecret, generateApiKey, hashSecretKey, SECRET_CONTEXT, type SecretKeyRing } from "../../../common/src/crypto";
import { NotFoundError } from "../../../common/src/errors";
import { validate } from "../integrations/core";
import { CustomIntegrationConfigSchema, type CustomIntegrationConfig } from "../integrations/custom/schemas";
import { generateStandardWebhooksSecret } from "../integrations/custom/signature";
import { ProcessorChecksSchema } from "../intake/processor-settings";
import type { ManagementStore, ProcessorSummary } from "./store";
import { customWebhookUrl } from "./urls";

export interface CustomIntegrationDeps {
  store: Pick<ManagementStore, "findControllerById" | "findControllerByDid" | "insertProcessor" | "updateProcessor" | "findProcessor" | "listProcessors" | "deleteProcessor">;
  /** SECRETS_ENCRYPTION_KEYS: reads the controller's webhook secret, encrypts a Standard Webhooks secret. */
  secretKeys: SecretKeyRing;
  /** CONDUIT_PUBLIC_BASE_URL: the host platforms call, put into every webhook URL. */
  publicBaseUrl: string;
}

export interface Scope {
  /** Controllers the caller may manage; anything else is "not found". */
  controllerIds: readonly string[];
}

/** GDPR Art. 6(1) bases, the values purposes.legal_basis accepts too. */
export const LEGAL_BASES = ["consent", "contract", "legal_obligation", "vital_interests", "public_task", "legitimate_interests"] as const;

/** Processor statuses a user may set: paused stops intake (conduit answers 404), active resumes it. */
export const SETTABLE_STATUSES = ["active", "paused"] as const;

const Name = z.string().trim().min(1, "must not be empty").max(200);
const Purpose = z.string().trim().min(1).max(500);
const CountryCode = z.string().regex(/^[A-Z]{2}$/, "expected an ISO 3166-1 alpha-2 code such as DE");

/** Onboarding input (the createCustomIntegration action's CreateCustomIntegrationInput). */
export const CreateCustomIntegrationInputSchema = z.object({
  controllerId: z.string().uuid(),
  name: Name,
  legalBasis: z.enum(LEGAL_BASES).nullish(),
  purpose: Purpose.nullish(),
  countryCode: CountryCode.nullish(),
  /** Checked with CustomIntegrationConfigSchema below (paths in the issues, never values). */
  eventDefinitions: z.array(z.unknown()),
  fieldMappings: z.array(z.unknown()).nullish(),
  /** Also require Standard Webhooks signatures; a whsec_ secret is generated and returned once. */
  standardWebhooks: z.boolean().nullish(),
  /** CLI only: further per-processor checks (toleranceSeconds, defaultRegion, ...). */
  config: z.record(z.string(), z.unknown()).optional(),
});
export type CreateCustomIntegrationInput = z.input<typeof CreateCustomIntegrationInputSchema>;

/** Update input: absent (or null) leaves a field as it is; purpose and countryCode null clear it. */
export const UpdateCustomIntegrationInputSchema = z.object({
  dataProcessorId: z.string().uuid(),
  name: Name.nullish(),
  status: z.enum(SETTABLE_STATUSES).nullish(),
  legalBasis: z.enum(LEGAL_BASES).nullish(),
  purpose: Purpose.nullish(),
  countryCode: CountryCode.nullish(),
  eventDefinitions: z.array(z.unknown()).nullish(),
  fieldMappings: z.array(z.unknown()).nullish(),
});
export type UpdateCustomIntegrationInput = z.input<typeof UpdateCustomIntegrationInputSchema>;

/** What list and get show: no key, hash or secret. */
export interface CustomIntegrationView {
  dataProcessorId: string;
  controllerId: string;
  name: string;
  status: string;
  legalBasis: string | null;
  purpose: string | null;
  webhookUrl: string;
  eventDefinitions: CustomIntegrationConfig["eventDefinitions"];
  fieldMappings: CustomIntegrationConfig["fieldMappings"];
  createdAt: string;
  updatedAt: string;
}

/** What onboarding returns; every secret here is shown this once. */
export interface OnboardedCustomIntegration {
  dataProcessorId: string;
  /** `<CONDUIT_PUBLIC_BASE_URL>/api/v1/integrations/custom/event?did=…&dpid=…` */
  webhookUrl: string;
  apiKey: string;
  /** The Authorization header value: `Bearer <apiKey>`. */
  webhookAuth: string;
  /** The x-webhook-secret header value (the organization's webhook secret). */
  webhookSecret: string;
  /** Standard Webhooks secret (whsec_…) when `standardWebhooks` was asked for, else null. */
  signingSecret: string | null;
}

/**
 * GraphQL clients send an unset optional input field as null (a form's empty
 * description, a mapping without `event`); the stored shape leaves it out, so
 * null object members become absent before validation (nested: definitions' fields).
 */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]));
}

function definitions(value: { eventDefinitions: unknown; fieldMappings?: unknown }): CustomIntegrationConfig {
  return validate(
    CustomIntegrationConfigSchema,
    { eventDefinitions: withoutNulls(value.eventDefinitions), fieldMappings: withoutNulls(value.fieldMappings ?? []) },
    "custom integration definition",
  );
}

async function controllerInScope(controllerId: string, scope: Scope, deps: CustomIntegrationDeps): Promise<{ id: string; did: string }> {
  const controller = scope.controllerIds.includes(controllerId) ? await deps.store.findControllerById(controllerId) : undefined;
  if (!controller) throw new NotFoundError("Unknown controller");
  return controller;
}

async function owned(dataProcessorId: string, scope: Scope, deps: CustomIntegrationDeps) {
  const processor = await deps.store.findProcessor(dataProcessorId);
  if (!processor || processor.service !== "custom" || !scope.controllerIds.includes(processor.controllerId)) throw new NotFoundError("Unknown custom integration");
  return processor;
}

function configText(config: unknown, key: "legalBasis" | "purpose"): string | null {
  const value = config !== null && typeof config === "object" ? (config as Record<string, unknown>)[key] : undefined;
  return typeof value === "string" ? value : null;
}

function view(p: ProcessorSummary, did: string, deps: CustomIntegrationDeps): CustomIntegrationView {
  // Stored definitions went through the same schema on the way in; parsing
  // again gives the output type its defaults (required: false, event: "*").
  const stored = CustomIntegrationConfigSchema.safeParse({ eventDefinitions: p.eventDefinitions ?? [], fieldMappings: p.fieldMappings ?? [] });
  if (!stored.success) throw new Error(`[conduit/management] stored definitions of custom integration ${p.id} are invalid`);
  return {
    dataProcessorId: p.id,
    controllerId: p.controllerId,
    name: p.name,
    status: p.status,
    legalBasis: configText(p.config, "legalBasis"),
    purpose: configText(p.config, "purpose"),
    webhookUrl: customWebhookUrl(deps.publicBaseUrl, did, p.id),
    eventDefinitions: stored.data.eventDefinitions,
    fieldMappings: stored.data.fieldMappings,
    createdAt: p.createdAt ?? "",
    updatedAt: p.updatedAt ?? "",
  };
}

export async function createCustomIntegration(raw: CreateCustomIntegrationInput, scope: Scope, deps: CustomIntegrationDeps): Promise<OnboardedCustomIntegration> {
  const input = validate(CreateCustomIntegrationInputSchema, raw, "custom integration");
  const custom = definitions(input);
  const controller = await controllerInScope(input.controllerId, scope, deps);
  // The x-webhook-secret senders need is the organization's; read it before writing anything.
  const record = await deps.store.findControllerByDid(controller.did);
  if (!record?.webhookSecretEncrypted) throw new Error("[conduit/management] the controller has no webhook secret");
  const webhookSecret = decryptSecret(record.webhookSecretEncrypted, deps.secretKeys, SECRET_CONTEXT.controllerWebhookSecret);
  const config = {
    ...validate(ProcessorChecksSchema, input.config ?? {}, "integration config"),
    ...(input.legalBasis ? { legalBasis: input.legalBasis } : {}),
    ...(input.purpose ? { purpose: input.purpose } : {}),
  };
  const apiKey = generateApiKey();
  const signingSecret = input.standardWebhooks ? generateStandardWebhooksSecret() : null;
  const processor = await deps.store.insertProcessor({
    controllerId: controller.id,
    service: "custom",
    name: input.name,
    status: "active",
    apiKeyHash: hashSecretKey(apiKey),
    signingSecretEncrypted: signingSecret ? encryptSecret(signingSecret, deps.secretKeys, SECRET_CONTEXT.processorSigningSecret) : null,
    config,
    countryCode: input.countryCode ?? null,
    eventDefinitions: custom.eventDefinitions,
    fieldMappings: custom.fieldMappings,
  });
  return {
    dataProcessorId: processor.id,
    webhookUrl: customWebhookUrl(deps.publicBaseUrl, controller.did, processor.id),
    apiKey,
    webhookAuth: `Bearer ${apiKey}`,
    webhookSecret,
    signingSecret,
  };
}

/** The controller's custom integrations, oldest first; NotFoundError outside the scope. */
export async function listCustomIntegrations(controllerId: string, scope: Scope, deps: CustomIntegrationDeps): Promise<CustomIntegrationView[]> {
  const controller = await controllerInScope(controllerId, scope, deps);
  const list = await deps.store.listProcessors(controller.id, "custom");
  return list.map((p) => view(p, controller.did, deps));
}

/** One custom integration, or null when it does not exist or is outside the scope (as Hasura's by-pk fields answer). */
export async function getCustomIntegration(dataProcessorId: string, scope: Scope, deps: CustomIntegrationDeps): Promise<CustomIntegrationView | null> {
  const processor = await deps.store.findProcessor(dataProcessorId);
  if (!processor || processor.service !== "custom" || !scope.controllerIds.includes(processor.controllerId)) return null;
  return readView(processor.id, processor.controllerId, deps);
}

/** The view of one processor as stored now (the update mutation returns only a few columns). */
async function readView(dataProcessorId: string, controllerId: string, deps: CustomIntegrationDeps): Promise<CustomIntegrationView | null> {
  const [controller, list] = await Promise.all([deps.store.findControllerById(controllerId), deps.store.listProcessors(controllerId, "custom")]);
  const summary = list.find((p) => p.id === dataProcessorId);
  return controller && summary ? view(summary, controller.did, deps) : null;
}

/**
 * Changes name, status, legal basis, purpose, country or definitions. New
 * definitions are checked against the mappings (and the other way round)
 * before anything is written; conduit validates the next event against them
 * once its lookup cache (LOOKUP_CACHE_TTL_MS) has expired.
 */
export async function updateCustomIntegration(raw: UpdateCustomIntegrationInput, scope: Scope, deps: CustomIntegrationDeps): Promise<CustomIntegrationView> {
  const input = validate(UpdateCustomIntegrationInputSchema, raw, "custom integration update");
  const processor = await owned(input.dataProcessorId, scope, deps);
  const custom =
    input.eventDefinitions == null && input.fieldMappings == null
      ? undefined
      : definitions({ eventDefinitions: input.eventDefinitions ?? processor.eventDefinitions, fieldMappings: input.fieldMappings ?? processor.fieldMappings });
  const config: Record<string, unknown> = { ...(processor.config as Record<string, unknown> | null | undefined) };
  if (input.legalBasis) config.legalBasis = input.legalBasis;
  if (input.purpose) config.purpose = input.purpose;
  if (input.purpose === null) delete config.purpose;
  const updated = await deps.store.updateProcessor(processor.id, {
    ...(input.name ? { name: input.name } : {}),
    ...(input.status ? { status: input.status } : {}),
    ...(input.countryCode !== undefined ? { countryCode: input.countryCode } : {}),
    config,
    ...(custom ? { eventDefinitions: custom.eventDefinitions, fieldMappings: custom.fieldMappings } : {}),
  });
  const fresh = updated ? await readView(processor.id, processor.controllerId, deps) : null;
  if (!fresh) throw new NotFoundError("Unknown custom integration");
  return fresh;
}

/** Deletes the processor: its API key stops working once conduit's lookup cache expires (LOOKUP_CACHE_TTL_MS; then 401); intake history stays with the processor set null. */
export async function deleteCustomIntegration(dataProcessorId: string, scope: Scope, deps: CustomIntegrationDeps): Promise<{ dataProcessorId: string; deleted: boolean }> {
  const processor = await owned(dataProcessorId, scope, deps);
  return { dataProcessorId, deleted: await deps.store.deleteProcessor(processor.id) };
}

/** A new API key, shown once; the old one stops working (within conduit's lookup cache TTL). */
export async function rotateCustomIntegrationKey(dataProcessorId: string, scope: Scope, deps: CustomIntegrationDeps): Promise<{ dataProcessorId: string; apiKey: string; webhookAuth: string }> {
  const processor = await owned(dataProcessorId, scope, deps);
  const apiKey = generateApiKey();
  await deps.store.updateProcessor(processor.id, { apiKeyHash: hashSecretKey(apiKey) });
  return { dataProcessorId, apiKey, webhookAuth: `Bearer ${apiKey}` };
}
