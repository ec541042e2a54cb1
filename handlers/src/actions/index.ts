/**
 * Every action handlers ship, bound to their services. Names are the action
 * names in hasura/metadata/actions.yaml (one grep finds both sides).
 */
import type { HandlerServices } from "../events/services";
import { createCustomIntegrationActionHandlers } from "../integrations/custom-integration-actions";
import type { ActionHandler } from "../registry";
import { createRightsActionHandlers } from "../rights";
import { consentPreferences } from "./consentPreferences";
import { updateConsentPreferences } from "./updateConsentPreferences";

export function createActionHandlers(services: HandlerServices): ActionHandler[] {
  return [
    consentPreferences(services),
    updateConsentPreferences(services),
    ...(services.rights ? createRightsActionHandlers({ ...services, rights: services.rights }) : []),
    ...(services.customIntegrations ? createCustomIntegrationActionHandlers({ sdk: services.sdk, management: services.customIntegrations }) : []),
  ];
}
