/**
 * Custom-integration CRUD for the handlers' actions (hasura/metadata/actions.graphql:
 * createCustomIntegration, customIntegrations, customIntegration,
 * updateCustomIntegration, deleteCustomIntegration, rotateCustomIntegrationKey).
 * The action handler authenticates the user and passes the controller ids the
 * session may manage (owner/admin); every function refuses other controllers'
 * integrations with NotFoundError, so tenants stay isolated even if a handler
 * forgets a check. Outputs match the action output types.
 */
import { generateApiKey, hashSecretKey } from "../../../common/src/crypto";
import { NotFoundError, ValidationError } from "../../../common/src/errors";
import { validate } from "../integrations/core";
import { CustomIntegrationConfigSchema } from "../integrations/custom/schemas";
import { eventPath, type ManagementDeps } from "./integrations";
import type { ProcessorSummary } from "./store";

export interface CustomIntegrationView {
  dataProcessorId: string;
  controllerId: string;
  name: string;
  status: string;
  webhookUrl: string;
  eventDefinitions: unknown;
  fieldMappings: unknown;
  createdAt: string;
  updatedAt: string;
}

export interface Scope {
  /** Controllers the caller may manage; anything else is "not found". */
  controllerIds: readonly string[];
}

const LEGAL_BASES = ["consent", "contract", "legal_obligation", "vital_interests", "public_task", "legitimate_interests"] as const;

function checkLegalBasis(value: string | undefined): void {
  if (value !== undefined && !(LEGAL_BASES as readonly string[]).includes(value)) {
    throw new ValidationError("Unknown legal basis", [{ path: "legalBasis", message: `one of ${LEGAL_BASES.join(", ")} (GDPR Art. 6(1))` }]);
  }
}

async function webhookUrl(controllerId: string, dataProcessorId: string, deps: ManagementDeps): Promise<string> {
  const controller = await deps.store.findControllerById(controllerId);
  if (!controller) throw new NotFoundError("Unknown controller");
  const url = new URL(deps.publicBaseUrl.replace(/\/$/, "") + eventPath("custom"));
  url.searchParams.set("did", controller.did);
  url.searchParams.set("dpid", dataProcessorId);
  return url.toString();
}

async function view(p: ProcessorSummary, deps: ManagementDeps): Promise<CustomIntegrationView> {
  return {
    dataProcessorId: p.id,
    controllerId: p.controllerId,
    name: p.name,
    status: p.status,
    webhookUrl: await webhookUrl(p.controllerId, p.id, deps),
    eventDefinitions: p.eventDefinitions ?? [],
    fieldMappings: p.fieldMappings ?? [],
    createdAt: p.createdAt ?? "",
    updatedAt: p.updatedAt ?? "",
  };
}

async function owned(dataProcessorId: string, scope: Scope, deps: ManagementDeps) {
  const processor = await deps.store.findProcessor(dataProcessorId);
  if (!processor || processor.service !== "custom" || !scope.controllerIds.includes(processor.controllerId)) throw new NotFoundError("Unknown custom integration");
  return processor;
}

export async function createCustomIntegrationFor(
  input: { controllerId: string; name: string; legalBasis: string; purpose?: string | null; countryCode?: string | null; eventDefinitions: unknown; fieldMappings: unknown },
  scope: Scope,
  deps: ManagementDeps,
): Promise<{ dataProcessorId: string; webhookUrl: string; apiKey: string; webhookAuth: string }> {
  if (!scope.controllerIds.includes(input.controllerId)) throw new NotFoundError("Unknown controller");
  checkLegalBasis(input.legalBasis);
  const custom = validate(CustomIntegrationConfigSchema, { eventDefinitions: input.eventDefinitions, fieldMappings: input.fieldMappings }, "custom integration definition");
  const apiKey = generateApiKey();
  const processor = await deps.store.insertProcessor({
    controllerId: input.controllerId,
    service: "custom",
    name: input.name,
    status: "active",
    apiKeyHash: hashSecretKey(apiKey),
    config: { legalBasis: input.legalBasis, ...(input.purpose ? { purpose: input.purpose } : {}) },
    countryCode: input.countryCode ?? null,
    eventDefinitions: custom.eventDefinitions,
    fieldMappings: custom.fieldMappings,
  });
  return { dataProcessorId: processor.id, webhookUrl: await webhookUrl(input.controllerId, processor.id, deps), apiKey, webhookAuth: `Bearer ${apiKey}` };
}

export async function listCustomIntegrationsFor(controllerId: string, scope: Scope, deps: ManagementDeps): Promise<CustomIntegrationView[]> {
  if (!scope.controllerIds.includes(controllerId)) return [];
  const list = await deps.store.listProcessors(controllerId, "custom");
  return Promise.all(list.map((p) => view(p, deps)));
}

export async function getCustomIntegrationFor(dataProcessorId: string, scope: Scope, deps: ManagementDeps): Promise<CustomIntegrationView | null> {
  try {
    const processor = await owned(dataProcessorId, scope, deps);
    const [summary] = (await deps.store.listProcessors(processor.controllerId, "custom")).filter((p) => p.id === dataProcessorId);
    return summary ? view(summary, deps) : null;
  } catch (err: unknown) {
    if (err instanceof NotFoundError) return null;
    throw err;
  }
}

export async function updateCustomIntegrationFor(
  input: { dataProcessorId: string; name?: string | null; status?: string | null; legalBasis?: string | null; purpose?: string | null; countryCode?: string | null; eventDefinitions?: unknown; fieldMappings?: unknown },
  scope: Scope,
  deps: ManagementDeps,
): Promise<CustomIntegrationView> {
  const processor = await owned(input.dataProcessorId, scope, deps);
  if (input.status && !["active", "paused"].includes(input.status)) throw new ValidationError("Invalid status", [{ path: "status", message: "active or paused" }]);
  checkLegalBasis(input.legalBasis ?? undefined);
  const custom =
    input.eventDefinitions === undefined && input.fieldMappings === undefined
      ? undefined
      : validate(
          CustomIntegrationConfigSchema,
          { eventDefinitions: input.eventDefinitions ?? processor.eventDefinitions, fieldMappings: input.fieldMappings ?? processor.fieldMappings },
          "custom integration definition",
        );
  const config = { ...(processor.config as Record<string, unknown>), ...(input.legalBasis ? { legalBasis: input.legalBasis } : {}), ...(input.purpose ? { purpose: input.purpose } : {}) };
  const updated = await deps.store.updateProcessor(processor.id, {
    ...(input.name ? { name: input.name } : {}),
    ...(input.status ? { status: input.status } : {}),
    ...(input.countryCode !== undefined ? { countryCode: input.countryCode } : {}),
    config,
    ...(custom ? { eventDefinitions: custom.eventDefinitions, fieldMappings: custom.fieldMappings } : {}),
  });
  if (!updated) throw new NotFoundError("Unknown custom integration");
  const fresh = await getCustomIntegrationFor(processor.id, scope, deps);
  if (!fresh) throw new NotFoundError("Unknown custom integration");
  return fresh;
}

export async function deleteCustomIntegrationFor(dataProcessorId: string, scope: Scope, deps: ManagementDeps): Promise<{ dataProcessorId: string; deleted: boolean }> {
  const processor = await owned(dataProcessorId, scope, deps);
  return { dataProcessorId, deleted: await deps.store.deleteProcessor(processor.id) };
}

export async function rotateCustomIntegrationKeyFor(dataProcessorId: string, scope: Scope, deps: ManagementDeps): Promise<{ dataProcessorId: string; apiKey: string; webhookAuth: string }> {
  const processor = await owned(dataProcessorId, scope, deps);
  const apiKey = generateApiKey();
  await deps.store.updateProcessor(processor.id, { apiKeyHash: hashSecretKey(apiKey) });
  return { dataProcessorId, apiKey, webhookAuth: `Bearer ${apiKey}` };
}
