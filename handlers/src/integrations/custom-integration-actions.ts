/**
 * The custom-integration actions (hasura/metadata/actions.yaml, role user):
 * createCustomIntegration, customIntegrations, customIntegration,
 * updateCustomIntegration, deleteCustomIntegration, rotateCustomIntegrationKey.
 *
 * Each route parses the action input with zod, works out which organizations
 * the caller may manage, and calls the one implementation in
 * conduit/src/management/custom-integrations.ts (the CLI calls it too; that
 * file says why it lives in conduit/). The six are one module because they
 * share the whole of that flow; each keeps its metadata name, so one grep
 * finds both sides (STYLE.md section 2).
 *
 * Who may manage: the engine forwards the caller's session variables
 * (hasura-contract.md 3.3); `x-hasura-user-id` must name a user with an
 * active owner or admin membership of the organization (hasura/README.md:
 * "owner/admin of the organization for integration management", the rule
 * data_processors' own permissions apply). Anything else answers "not found"
 * (404), so a member of another organization learns nothing about it.
 */
import { z } from "zod";
import { AuthError } from "../../../common/src/errors";
import { parseOrThrow } from "../../../common/src/http";
import {
  createCustomIntegration,
  CreateCustomIntegrationInputSchema,
  deleteCustomIntegration,
  getCustomIntegration,
  listCustomIntegrations,
  rotateCustomIntegrationKey,
  updateCustomIntegration,
  UpdateCustomIntegrationInputSchema,
  type CustomIntegrationDeps,
  type Scope,
} from "../../../conduit/src/management/custom-integrations";
import type { HandlersSdk } from "../adapters/sdk";
import type { ActionEnvelope } from "../http/envelopes";
import type { ActionHandler, JsonObject } from "../registry";

export interface CustomIntegrationActionDeps {
  sdk: Pick<HandlersSdk, "FindManagedControllers">;
  management: CustomIntegrationDeps;
}

/** Session variables arrive lower-cased from the engine (Hasura normalises them). */
const SessionSchema = z.object({ "x-hasura-user-id": z.string().uuid() });

/** The organizations the calling user may manage integrations of. */
export async function managementScope(session: ActionEnvelope["session_variables"], sdk: CustomIntegrationActionDeps["sdk"]): Promise<Scope> {
  const parsed = SessionSchema.safeParse(session ?? {});
  if (!parsed.success) throw new AuthError("Managing integrations needs a signed-in user (x-hasura-user-id)");
  const { dataControllerUsers } = await sdk.FindManagedControllers({ userId: parsed.data["x-hasura-user-id"] });
  return { controllerIds: dataControllerUsers.map((m) => m.controllerId) };
}

/** Hasura sends `input` as the action's arguments object. */
const InputArgument = <S extends z.ZodType>(schema: S) => z.object({ input: schema });
const ControllerArgument = z.object({ controllerId: z.string().uuid() });
const ProcessorArgument = z.object({ dataProcessorId: z.string().uuid() });

function define<S extends z.ZodType>(
  name: string,
  schema: S,
  run: (args: z.infer<S>, scope: Scope, deps: CustomIntegrationActionDeps) => Promise<object | object[] | null>,
  deps: CustomIntegrationActionDeps,
): ActionHandler {
  return {
    name,
    async handle(call) {
      const args = parseOrThrow(schema, call.input, `Invalid ${name} input`);
      const scope = await managementScope(call.session_variables, deps.sdk);
      // The route logs the action name and outcome; inputs and outputs (secrets) are never logged.
      // customIntegration's nullable output answers JSON null, which Hasura passes on as null.
      return (await run(args, scope, deps)) as JsonObject | JsonObject[];
    },
  };
}

export function createCustomIntegrationActionHandlers(deps: CustomIntegrationActionDeps): ActionHandler[] {
  return [
    define("createCustomIntegration", InputArgument(CreateCustomIntegrationInputSchema.omit({ config: true })), ({ input }, scope, d) => createCustomIntegration(input, scope, d.management), deps),
    define("customIntegrations", ControllerArgument, ({ controllerId }, scope, d) => listCustomIntegrations(controllerId, scope, d.management), deps),
    define("customIntegration", ProcessorArgument, ({ dataProcessorId }, scope, d) => getCustomIntegration(dataProcessorId, scope, d.management), deps),
    define("updateCustomIntegration", InputArgument(UpdateCustomIntegrationInputSchema), ({ input }, scope, d) => updateCustomIntegration(input, scope, d.management), deps),
    define("deleteCustomIntegration", ProcessorArgument, ({ dataProcessorId }, scope, d) => deleteCustomIntegration(dataProcessorId, scope, d.management), deps),
    define("rotateCustomIntegrationKey", ProcessorArgument, ({ dataProcessorId }, scope, d) => rotateCustomIntegrationKey(dataProcessorId, scope, d.management), deps),
  ];
}
