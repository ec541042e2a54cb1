/**
 * initializeController (data_controllers_insert): a new organization gets its
 * profile row, default purposes (controllers/defaults.ts), a draft opt-in
 * cookie banner tied to them, retention rules for purposes with a period, a
 * tag manager account placeholder (status `disconnected` until the
 * organization connects its container), the creator's owner membership and the
 * welcome e-mail sequence. The creator is the session's x-hasura-user-id;
 * without one (an admin or script created the organization) there is no
 * membership and no e-mail.
 *
 * What exists is read first and only the missing parts are written, in one
 * transaction, so a redelivery or a retry after a partial failure completes
 * the setup without duplicating anything.
 */
import { randomUUID } from "node:crypto";
import type { SecretKeyRing } from "../../../common/src/crypto";
import type { HandlersSdk } from "../adapters/sdk";
import { outboxRow } from "../mail/outbox";
import { defaultDisplayName } from "../users/onboard-user";
import { purposeInsertRow } from "./purpose-row";
import { DEFAULT_CATEGORIES, DEFAULT_FORM_SLUG, DEFAULT_PURPOSES, WELCOME_SEQUENCE } from "./defaults";

export interface InitializeControllerDeps {
  sdk: Pick<HandlersSdk, "FindControllerSetup" | "SetUpControllerDefaults">;
  secretKeys: SecretKeyRing;
  appBaseUrl: string;
  now: () => Date;
  onEmailQueued?: () => void;
}

export type InitializeControllerResult =
  | { outcome: "controller_gone" }
  | { outcome: "initialized"; purposesCreated: number; categoriesCreated: number; retentionRulesCreated: number; ownerUserId: string | null; emailsQueued: number };

const NO_USER = "00000000-0000-0000-0000-000000000000";
const DAY_MS = 86_400_000;

export async function initializeController(input: { controllerId: string; creatorUserId: string | null }, deps: InitializeControllerDeps): Promise<InitializeControllerResult> {
  const setup = await deps.sdk.FindControllerSetup({ id: input.controllerId, userId: input.creatorUserId ?? NO_USER });
  const controller = setup.dataController;
  if (!controller) return { outcome: "controller_gone" };
  const now = deps.now();

  const purposeIds = new Map(controller.purposes.map((p) => [p.slug, p.id]));
  const newPurposes = DEFAULT_PURPOSES.filter((p) => !purposeIds.has(p.slug)).map((p) => {
    const id = randomUUID();
    purposeIds.set(p.slug, id);
    return purposeInsertRow(controller.id, p, id);
  });

  const existingForm = controller.consentForms[0];
  const formId = existingForm?.id ?? randomUUID();
  const existingCategories = new Set(existingForm?.categories.map((c) => c.slug) ?? []);
  const categories = DEFAULT_CATEGORIES.filter((c) => !existingCategories.has(c.slug)).map((c) => ({
    formId,
    purposeId: purposeIds.get(c.purposeSlug) ?? null,
    slug: c.slug,
    title: c.title,
    isRequired: c.isRequired,
    defaultGranted: c.isRequired,
    position: c.position,
  }));

  const covered = new Set(controller.retentionPolicies.map((r) => r.purposeId));
  const retention = DEFAULT_PURPOSES.filter((p) => p.retentionDays !== null && !covered.has(purposeIds.get(p.slug) ?? ""))
    .map((p) => ({ controllerId: controller.id, purposeId: purposeIds.get(p.slug), retentionDays: p.retentionDays, action: "delete" }));

  const owner = setup.user;
  const emails = owner
    ? WELCOME_SEQUENCE.map((step) =>
        outboxRow(
          {
            controllerId: controller.id,
            to: owner.email,
            template: step.template,
            variables: {
              organization: controller.title,
              displayName: owner.displayName ?? defaultDisplayName(owner.email),
              dashboardUrl: new URL("/", deps.appBaseUrl).toString(),
              integrationsUrl: new URL("/integrations", deps.appBaseUrl).toString(),
              documentsUrl: new URL("/documents", deps.appBaseUrl).toString(),
            },
            locale: owner.locale,
            idempotencyKey: `welcome:${controller.id}:${step.template}`,
            sendAfter: new Date(now.getTime() + step.delayDays * DAY_MS),
          },
          deps.secretKeys,
          now,
        ),
      )
    : [];

  const result = await deps.sdk.SetUpControllerDefaults({
    details: { controllerId: controller.id, legalName: controller.title },
    purposes: newPurposes,
    withPurposes: newPurposes.length > 0,
    form: {
      id: formId,
      controllerId: controller.id,
      slug: DEFAULT_FORM_SLUG,
      name: "Cookie banner",
      description: "Asks visitors before any non-essential cookie or tag runs.",
      regime: "opt_in",
      honorGpc: true,
      status: "draft",
    },
    categories,
    withCategories: categories.length > 0,
    retention,
    withRetention: retention.length > 0,
    tagManager: { controllerId: controller.id, provider: "google_tag_manager", name: `${controller.title} tags`, accountId: "unassigned", containerId: "unassigned", status: "disconnected", consentModeEnabled: true },
    memberships: owner ? [{ controllerId: controller.id, userId: owner.id, role: "owner", status: "active" }] : [],
    emails,
    withOwner: owner !== null,
  });
  const emailsQueued = result.insertEmailOutbox?.affected_rows ?? 0;
  if (emailsQueued > 0) deps.onEmailQueued?.();
  return {
    outcome: "initialized",
    purposesCreated: result.insertPurposes?.affected_rows ?? 0,
    categoriesCreated: result.insertConsentCategories?.affected_rows ?? 0,
    retentionRulesCreated: result.insertRetentionPolicies?.affected_rows ?? 0,
    ownerUserId: owner?.id ?? null,
    emailsQueued,
  };
}
