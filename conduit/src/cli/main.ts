/**
 * `npm run cli -- <command> [options]`: set up controllers and integrations
 * against the GraphQL API. `--json` prints one JSON object (for scripts);
 * otherwise readable lines. Secrets are printed once and never logged.
 *
 *   controller:create   --title T [--did D] [--plan trial|starter|business|enterprise]
 *   integration:create  --did D --dx-key K --service S --name N [--signing-secret X]
 *                       [--config '{"salesforceOrganizationId":"00D…"}'] [--custom file.json] [--standard-webhooks]
 *   integration:list    --did D --dx-key K [--service S]
 *   integration:update  --did D --dx-key K --processor ID [--name N] [--status active|paused] [--custom file.json]
 *   integration:delete  --did D --dx-key K --processor ID
 *   key:rotate-dx       --did D --dx-key K
 *   key:rotate-webhook-secret --did D --dx-key K
 *   key:rotate-api-key  --did D --dx-key K --processor ID
 *   key:set-signing-secret --did D --dx-key K --processor ID --secret X [--keep-previous]
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ClientError } from "graphql-request";
import { z } from "zod";
import { parseEnv } from "../../../common/src/config";
import { parseKeyRing } from "../../../common/src/crypto";
import { errorBody, isAppError } from "../../../common/src/errors";
import { createGraphqlManagementStore } from "../management/store";
import {
  createController,
  createIntegration,
  deleteIntegration,
  listIntegrations,
  rotateApiKey,
  rotateDxKey,
  rotateWebhookSecret,
  setSigningSecret,
  updateCustomIntegration,
  type ManagementDeps,
} from "../management/integrations";

export const CliConfigSchema = z.object({
  HASURA_GRAPHQL_ENDPOINT: z.string().url().default("http://localhost:8080/v1/graphql"),
  HASURA_GRAPHQL_ADMIN_SECRET: z.string().min(1),
  CONDUIT_JWE_KEYS: z.string().min(1),
  SECRETS_ENCRYPTION_KEYS: z.string().min(1),
  CONDUIT_PUBLIC_BASE_URL: z.string().url().default("http://localhost:3001"),
});

const OPTIONS = {
  json: { type: "boolean" },
  title: { type: "string" },
  did: { type: "string" },
  plan: { type: "string" },
  "dx-key": { type: "string" },
  service: { type: "string" },
  name: { type: "string" },
  "signing-secret": { type: "string" },
  config: { type: "string" },
  custom: { type: "string" },
  "standard-webhooks": { type: "boolean" },
  processor: { type: "string" },
  secret: { type: "string" },
  status: { type: "string" },
  "keep-previous": { type: "boolean" },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>["values"];

function need(values: Values, name: keyof Values): string {
  const value = values[name];
  if (typeof value !== "string" || value === "") throw new Error(`--${String(name)} is required`);
  return value;
}

function jsonOption(text: string | undefined, label: string): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${label} is not valid JSON`);
  }
}

/** Runs one command; returns the result object printed by `main`. */
export async function runCommand(command: string, values: Values, deps: ManagementDeps): Promise<Record<string, unknown>> {
  const auth = () => ({ did: need(values, "did"), dxKey: need(values, "dx-key") });
  switch (command) {
    case "controller:create": {
      const plan = z.enum(["trial", "starter", "business", "enterprise"]).optional().parse(values.plan);
      return { ...(await createController({ title: need(values, "title"), did: values.did, plan }, deps)) };
    }
    case "integration:create":
      return {
        ...(await createIntegration(
          {
            ...auth(),
            service: need(values, "service"),
            name: need(values, "name"),
            signingSecret: values["signing-secret"],
            config: jsonOption(values.config, "--config") as Record<string, unknown> | undefined,
            custom: values.custom ? jsonOption(readFileSync(values.custom, "utf8"), "--custom file") : undefined,
            standardWebhooks: values["standard-webhooks"] ?? false,
          },
          deps,
        )),
      };
    case "integration:list":
      return { integrations: await listIntegrations({ ...auth(), service: values.service }, deps) };
    case "integration:update":
      return {
        ...(await updateCustomIntegration(
          {
            ...auth(),
            processorId: need(values, "processor"),
            name: values.name,
            status: values.status,
            custom: values.custom ? jsonOption(readFileSync(values.custom, "utf8"), "--custom file") : undefined,
          },
          deps,
        )),
      };
    case "integration:delete":
      return await deleteIntegration({ ...auth(), processorId: need(values, "processor") }, deps);
    case "key:rotate-dx":
      return await rotateDxKey(auth(), deps);
    case "key:rotate-webhook-secret":
      return await rotateWebhookSecret(auth(), deps);
    case "key:rotate-api-key":
      return await rotateApiKey({ ...auth(), processorId: need(values, "processor") }, deps);
    case "key:set-signing-secret":
      return await setSigningSecret({ ...auth(), processorId: need(values, "processor"), signingSecret: need(values, "secret"), keepPrevious: values["keep-previous"] ?? false }, deps);
    default:
      throw new Error(`unknown command "${command}" (see conduit/README.md)`);
  }
}

function printHuman(result: Record<string, unknown>): string {
  return Object.entries(result)
    .map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v, null, 2)}`)
    .join("\n");
}

export async function main(argv: string[], env: NodeJS.ProcessEnv, out: (s: string) => void, deps?: ManagementDeps): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  const json = values.json ?? false;
  try {
    let resolved = deps;
    if (!resolved) {
      const config = parseEnv(CliConfigSchema, env);
      resolved = {
        store: createGraphqlManagementStore({ endpoint: config.HASURA_GRAPHQL_ENDPOINT, adminSecret: config.HASURA_GRAPHQL_ADMIN_SECRET }),
        jweKeys: parseKeyRing(config.CONDUIT_JWE_KEYS, "CONDUIT_JWE_KEYS"),
        secretKeys: parseKeyRing(config.SECRETS_ENCRYPTION_KEYS, "SECRETS_ENCRYPTION_KEYS"),
        publicBaseUrl: config.CONDUIT_PUBLIC_BASE_URL,
        now: () => new Date(),
      };
    }
    const result = await runCommand(positionals[0] ?? "", values, resolved);
    out(json ? JSON.stringify(result) : printHuman(result));
    return 0;
  } catch (err: unknown) {
    // graphql-request's own message quotes the whole request (variables included): use the server's message only.
    const message = err instanceof ClientError ? `GraphQL request failed: ${err.response.errors?.[0]?.message ?? `HTTP ${err.response.status}`}` : err instanceof Error ? err.message : String(err);
    const body = isAppError(err) ? errorBody(err) : { error: { code: "cli_error", message } };
    out(json ? JSON.stringify(body) : `error: ${body.error.message}`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2), process.env, (s) => process.stdout.write(`${s}\n`)).then((code) => process.exit(code));
}
