/**
 * HubSpot erasure: the GDPR-compliant permanent delete of a contact
 * (`POST /crm/v3/objects/contacts/gdpr-delete` with
 * `{"objectId": <address>, "idProperty": "email"}`, 204 No Content; HubSpot
 * CRM API, "Contacts: GDPR delete"). It removes the contact and its
 * associations, and when no contact has the address HubSpot blocklists the
 * address instead, so the answer is the same either way: completed.
 * Authentication is a private-app or OAuth access token as Bearer (scope
 * `crm.objects.contacts.write`).
 */
import { outcomeOf, vendorRequest, type ErasureCallResult, type VendorEraser, type VendorHttp } from "./erasure";

export const HUBSPOT_API_BASE_URL = "https://api.hubapi.com";

export function createHubspotEraser(options: { accessToken: string; baseUrl?: string } & VendorHttp): VendorEraser {
  const base = (options.baseUrl ?? HUBSPOT_API_BASE_URL).replace(/\/+$/, "");
  return {
    service: "hubspot",
    async erase(call): Promise<ErasureCallResult> {
      const answer = await vendorRequest(options, `${base}/crm/v3/objects/contacts/gdpr-delete`, {
        method: "POST",
        headers: { authorization: `Bearer ${options.accessToken}`, "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ objectId: call.email, idProperty: "email" }),
      });
      return outcomeOf(answer);
    },
  };
}
