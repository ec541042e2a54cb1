/**
 * What the event modules are bound to: adapters built once in main.ts (or a
 * test) and passed in (STYLE.md section 1). Domain functions below the modules
 * take only the slice they use.
 */
import type { SecretKeyRing } from "../../../common/src/crypto";
import type { CustomIntegrationDeps } from "../../../conduit/src/management/custom-integrations";
import type { HandlersSdk } from "../adapters/sdk";
import type { RightsOptions } from "../rights/services";

export interface HandlerServices {
  sdk: HandlersSdk;
  /** SECRETS_ENCRYPTION_KEYS: encrypts outbox recipients and variables, derives token keys. */
  secretKeys: SecretKeyRing;
  /** Base URL of the web app, for links in e-mails (HANDLERS_APP_BASE_URL). */
  appBaseUrl: string;
  /** Called when a handler queued e-mail, so the sender runs at once. */
  onEmailQueued?: () => void;
  /** Called when a handler queued integration sync jobs, so the sync worker runs at once. */
  onIntegrationSyncQueued?: () => void;
  /** Rights-request settings; without them the rights triggers, actions and cron are not registered. */
  rights?: RightsOptions;
  /** Custom-integration management (conduit's store and public URL); without it those actions are not registered. */
  customIntegrations?: CustomIntegrationDeps;
}
