/**
 * Integration management: create controllers and integrations, issue their
 * webhook URLs and tokens, rotate keys, and the custom-integration CRUD the
 * handlers' actions expose. Plain functions of (input, deps); secrets are
 * returned once and stored only hashed or encrypted.
 */
import { randomBytes } from "node:crypto";
import {
  encryptSecret,
  generateDxKey,
  generateSecretToken,
  generateWebhookSecret,
  hashSecretKey,
  issueIntegrationToken,
  SECRET_CONTEXT,
  verifySecretKey,
  type SecretKeyRing,
} from "../../../common/src/crypto";
import { AuthError, NotFoundError, ValidationError } from "../../../common/src/errors";
import { validate } from "../integrations/core";
import { isServiceName, type ServiceName } from "../integrations/types";
import { ProcessorChecksSchema, processorSecrets, signingSecretPlaintext } from "../intake/processor-settings";
import { SabreConfigSchema } from "../sabre/poller";
import {
  createCustomIntegration,
  CreateCustomIntegrationInputSchema,
  rotateCustomIntegrationKey,
  updateCustomIntegration as updateCustom,
  UpdateCustomIntegrationInputSchema,
  type CustomIntegrationView,
  type Scope,
} from "./custom-integrations";
import type { ManagementStore, ProcessorSummary } from "./store";
import { webhookUrl } from "./urls";

export { eventPath } from "./urls";

export interface ManagementDeps {
  store: ManagementStore;
  jweKeys: SecretKeyRing;
  secretKeys: SecretKeyRing;
  publicBaseUrl: string;
  now: () => Date;
}

/** What `createController` returns; the DX key and webhook secret are shown this once. */
export interface CreatedController {
  id: string;
  did: string;
  dxKey: string;
  webhookSecret: string;
}

export async function createController(
  input: { title: string; did?: string; plan?: "trial" | "starter" | "business" | "enterprise"; trialDays?: number },
  deps: ManagementDeps,
): Promise<CreatedController> {
  const did = input.did ?? `did:pp:${randomBytes(16).toString("hex")}`;
  if (!/^did:[a-z0-9]+:[A-Za-z0-9._:%-]+$/.test(did)) throw new ValidationError("Invalid DID", [{ path: "did", message: "expected did:<method>:<id>" }]);
  const plan = input.plan ?? "trial";
  const dxKey = generateDxKey();
  const webhookSecret = generateWebhookSecret();
  const trialExpiresAt = plan === "trial" ? new Date(deps.now().getTime() + (input.trialDays ?? 14) * 86_400_000).toISOString() : null;
  const row = await deps.store.insertController({
    title: input.title,
    did,
    dxKeyHash: hashSecretKey(dxKey),
    webhookSecretEncrypted: encryptSecret(webhookSecret, deps.secretKeys, SECRET_CONTEXT.controllerWebhookSecret),
    plan,
    trialExpiresAt,
  });
  return { id: row.id, did: row.did, dxKey, webhookSecret };
}

async function controllerFor(did: string, dxKey: string, deps: ManagementDeps) {
  const controller = await deps.store.findControllerByDid(did);
  if (!controller || !verifySecretKey(dxKey, controller.dxKeyHash)) throw new AuthError("Unknown DID or wrong DX key");
  return controller;
}

/** What a platform integration needs configured on the platform side. */
export interface CreatedIntegration {
  processorId: string;
  service: ServiceName | "sabre-synxis";
  /** The URL to give the platform (empty for polled Sabre) (holds the JWE token, or did + dpid for custom). */
  webhookUrl: string;
  token?: string;
  /** Secret the platform signs with, when conduit generates it (NetSuite, custom Standard Webhooks). */
  signingSecret?: string;
  /** Custom integrations: the API key (shown once) and the Authorization header value. */
  apiKey?: string;
  webhookAuth?: string;
  /** Custom integrations: the x-webhook-secret value to send. */
  webhookSecretHeader?: string;
  notes: string[];
}

export interface CreateIntegrationInput {
  did: string;
  dxKey: string;
  service: string;
  name: string;
  /** The platform's signing secret (Shopify client secret, Stripe whsec_…, …). */
  signingSecret?: string;
  /** Platform checks and legal basis/purpose, stored in data_processors.config. */
  config?: Record<string, unknown>;
  custom?: unknown;
  /** Custom integrations: also require Standard Webhooks signatures. */
  standardWebhooks?: boolean;
}

const NEEDS_PLATFORM_SECRET: ReadonlySet<ServiceName> = new Set<ServiceName>([
  "shopify", "stripe", "woocommerce", "mailchimp", "customer-io", "klaviyo", "quickbooks", "survey-monkey", "hubspot", "xero",
]);

export async function createIntegration(input: CreateIntegrationInput, deps: ManagementDeps): Promise<CreatedIntegration> {
  if (input.service === "sabre-synxis") return createSabreIntegration(input, deps);
  if (!isServiceName(input.service)) throw new ValidationError("Unknown service", [{ path: "service", message: "is not a supported integration" }]);
  const service: ServiceName = input.service;
  const controller = await controllerFor(input.did, input.dxKey, deps);
  if (service === "custom") return createCustomFromCli(input, controller.id, deps);
  const config = validate(ProcessorChecksSchema, input.config ?? {}, "integration config");
  const notes: string[] = [];
  let signingSecret = input.signingSecret;
  let generatedSecret: string | undefined;
  if (service === "netsuite" && !signingSecret) {
    signingSecret = generatedSecret = generateSecretToken("ns_");
    notes.push("Store the signing secret in NetSuite (Setup > Company > API Secrets); the SuiteScript signs X-NetSuite-Timestamp + '.' + body with HMAC-SHA256, hex, in X-NetSuite-Signature (conduit/README.md).");
  }
  if (NEEDS_PLATFORM_SECRET.has(service) && !signingSecret) {
    throw new ValidationError("This platform signs its webhooks: pass its signing secret", [{ path: "signingSecret", message: "is required" }]);
  }
  if (service === "salesforce" && !config.salesforceOrganizationId) throw new ValidationError("Salesforce needs the organization id", [{ path: "config.salesforceOrganizationId", message: "is required" }]);
  let google: string | undefined;
  if (service === "google-drive" && !config.googleChannelToken) {
    google = randomBytes(32).toString("base64url");
    config.googleChannelToken = google;
  }
  const processor = await deps.store.insertProcessor({
    controllerId: controller.id,
    service,
    name: input.name,
    status: "active",
    signingSecretEncrypted: signingSecret ? encryptSecret(signingSecret, deps.secretKeys, SECRET_CONTEXT.processorSigningSecret) : null,
    apiKeyHash: null,
    config,
    eventDefinitions: [],
    fieldMappings: [],
  });
  const token = await issueIntegrationToken({ did: controller.did, dxKey: input.dxKey, dpid: processor.id }, deps.jweKeys);
  if (google) notes.push(`Create the Drive channel with token "${google}" (echoed in X-Goog-Channel-Token).`);
  if (service === "mailchimp-marketing" || service === "eventbrite") notes.push("This platform does not sign webhooks: keep the URL secret; the token in it is the credential.");
  return { processorId: processor.id, service, webhookUrl: webhookUrl(deps.publicBaseUrl, service, { token }), token, ...(generatedSecret ? { signingSecret: generatedSecret } : {}), notes };
}

/** `integration:create --service custom`: the shared onboarding, scoped to the DID's controller. */
async function createCustomFromCli(input: CreateIntegrationInput, controllerId: string, deps: ManagementDeps): Promise<CreatedIntegration> {
  const { legalBasis, purpose, ...checks } = input.config ?? {};
  const definition = input.custom !== null && typeof input.custom === "object" ? input.custom : {};
  const created = await createCustomIntegration(
    validate(
      CreateCustomIntegrationInputSchema,
      { ...definition, controllerId, name: input.name, legalBasis, purpose, standardWebhooks: input.standardWebhooks ?? false, config: checks },
      "custom integration definition",
    ),
    { controllerIds: [controllerId] },
    deps,
  );
  return {
    processorId: created.dataProcessorId,
    service: "custom",
    webhookUrl: created.webhookUrl,
    apiKey: created.apiKey,
    webhookAuth: created.webhookAuth,
    webhookSecretHeader: created.webhookSecret,
    ...(created.signingSecret ? { signingSecret: created.signingSecret } : {}),
    notes: [
      "Send Authorization: <webhookAuth> and x-webhook-secret: <webhookSecretHeader> with every request; the API key is shown only now.",
      "Body: JSON with event (a defined event name) and triggeredAt (ISO 8601) plus the defined fields; an optional eventId makes retries idempotent.",
      created.signingSecret
        ? "Sign every request with Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature) using the signing secret; requests more than 5 minutes old are refused (replay protection)."
        : "Optional replay protection: re-create the integration with --standard-webhooks.",
    ],
  };
}

/**
 * Sabre SynXis is polled (conduit/src/sabre): no webhook URL; the processor
 * holds the API base URL, hotel and chain codes, and the "username:password"
 * credentials as its encrypted secret.
 */
async function createSabreIntegration(input: CreateIntegrationInput, deps: ManagementDeps): Promise<CreatedIntegration> {
  const controller = await controllerFor(input.did, input.dxKey, deps);
  const config = validate(SabreConfigSchema, input.config ?? {}, "Sabre integration config");
  if (!input.signingSecret || !input.signingSecret.includes(":")) {
    throw new ValidationError("Sabre needs its API credentials", [{ path: "signingSecret", message: "expected username:password" }]);
  }
  const processor = await deps.store.insertProcessor({
    controllerId: controller.id,
    service: "sabre-synxis",
    name: input.name,
    status: "active",
    signingSecretEncrypted: encryptSecret(input.signingSecret, deps.secretKeys, SECRET_CONTEXT.processorSigningSecret),
    apiKeyHash: null,
    config,
    eventDefinitions: [],
    fieldMappings: [],
  });
  return {
    processorId: processor.id,
    service: "sabre-synxis",
    webhookUrl: "",
    notes: ["Sabre SynXis is pulled: the conduit replica with SABRE_POLL_INTERVAL_MS set polls it and acknowledges each reservation after storing it."],
  };
}

/** A new DX key. Every integration URL token carries the DX key, so old URLs stop working: re-issue them. */
export async function rotateDxKey(input: { did: string; dxKey: string }, deps: ManagementDeps): Promise<{ did: string; dxKey: string }> {
  const controller = await controllerFor(input.did, input.dxKey, deps);
  const dxKey = generateDxKey();
  await deps.store.updateControllerSecrets(controller.id, { dxKeyHash: hashSecretKey(dxKey) });
  return { did: controller.did, dxKey };
}

export async function rotateWebhookSecret(input: { did: string; dxKey: string }, deps: ManagementDeps): Promise<{ did: string; webhookSecret: string }> {
  const controller = await controllerFor(input.did, input.dxKey, deps);
  const webhookSecret = generateWebhookSecret();
  await deps.store.updateControllerSecrets(controller.id, { webhookSecretEncrypted: encryptSecret(webhookSecret, deps.secretKeys, SECRET_CONTEXT.controllerWebhookSecret) });
  return { did: controller.did, webhookSecret };
}

async function ownedProcessor(input: { did: string; dxKey: string; processorId: string }, deps: ManagementDeps) {
  const controller = await controllerFor(input.did, input.dxKey, deps);
  const processor = await deps.store.findProcessor(input.processorId);
  if (!processor || processor.controllerId !== controller.id) throw new NotFoundError("Unknown integration");
  return { controller, processor };
}

/** The CLI's scope: the one controller the DID + DX key authenticate. */
async function cliScope(input: { did: string; dxKey: string }, deps: ManagementDeps): Promise<Scope> {
  return { controllerIds: [(await controllerFor(input.did, input.dxKey, deps)).id] };
}

/** A new custom-integration API key (the old one stops at once); the shared rotateCustomIntegrationKey. */
export async function rotateApiKey(input: { did: string; dxKey: string; processorId: string }, deps: ManagementDeps): Promise<{ apiKey: string; webhookAuth: string }> {
  const { apiKey, webhookAuth } = await rotateCustomIntegrationKey(input.processorId, await cliScope(input, deps), deps);
  return { apiKey, webhookAuth };
}

/**
 * Sets a new platform signing secret; with `keepPrevious` the old one is still
 * accepted (platforms keep signing with it for a while: Shopify up to an hour,
 * Stripe up to 24 h).
 */
export async function setSigningSecret(
  input: { did: string; dxKey: string; processorId: string; signingSecret: string; keepPrevious?: boolean },
  deps: ManagementDeps,
): Promise<{ secrets: number }> {
  const { processor } = await ownedProcessor(input, deps);
  const previous = input.keepPrevious ? processorSecrets(processor, deps.secretKeys).slice(0, 1) : [];
  const secrets = [input.signingSecret, ...previous.filter((s) => s !== input.signingSecret)];
  await deps.store.updateProcessor(processor.id, {
    signingSecretEncrypted: encryptSecret(signingSecretPlaintext(secrets), deps.secretKeys, SECRET_CONTEXT.processorSigningSecret),
  });
  return { secrets: secrets.length };
}

/** Every integration of the DID's controller (any service); no secrets. */
export async function listIntegrations(input: { did: string; dxKey: string; service?: string }, deps: ManagementDeps): Promise<ProcessorSummary[]> {
  const controller = await controllerFor(input.did, input.dxKey, deps);
  return deps.store.listProcessors(controller.id, input.service);
}

/** `integration:update`: the shared updateCustomIntegration, scoped to the DID's controller. */
export async function updateCustomIntegration(
  input: { did: string; dxKey: string; processorId: string; name?: string; status?: string; custom?: unknown },
  deps: ManagementDeps,
): Promise<CustomIntegrationView> {
  const definition = input.custom !== null && typeof input.custom === "object" ? input.custom : {};
  const update = validate(
    UpdateCustomIntegrationInputSchema,
    { ...definition, dataProcessorId: input.processorId, name: input.name, status: input.status },
    "custom integration update",
  );
  return updateCustom(update, await cliScope(input, deps), deps);
}

export async function deleteIntegration(input: { did: string; dxKey: string; processorId: string }, deps: ManagementDeps): Promise<{ deleted: boolean }> {
  const { processor } = await ownedProcessor(input, deps);
  return { deleted: await deps.store.deleteProcessor(processor.id) };
}
