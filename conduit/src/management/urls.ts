/** The webhook URLs management issues (routes in src/http/routes.ts). */
import type { ServiceName } from "../integrations/types";

/** Route path of a service's webhook endpoint (NetSuite has its own, issue 5). */
export function eventPath(service: ServiceName): string {
  return service === "netsuite" ? "/api/v1/integrations/netsuite/webhook/event" : `/api/v1/integrations/${service}/event`;
}

/** A service's endpoint on the public base URL, with the given query parameters. */
export function webhookUrl(publicBaseUrl: string, service: ServiceName, params: Readonly<Record<string, string>>): string {
  const url = new URL(publicBaseUrl.replace(/\/$/, "") + eventPath(service));
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}

/** A custom integration's URL: the controller's DID and the processor id; the credentials travel in headers. */
export function customWebhookUrl(publicBaseUrl: string, did: string, dataProcessorId: string): string {
  return webhookUrl(publicBaseUrl, "custom", { did, dpid: dataProcessorId });
}
