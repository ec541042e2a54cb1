/**
 * Klaviyo erasure: a data-privacy deletion job for the profile with the
 * address (`POST /api/data-privacy-deletion-jobs` with a JSON:API body,
 * `Authorization: Klaviyo-API-Key <private key>`, a `revision` date header;
 * Klaviyo Data Privacy API, "Request Profile Deletion"). Klaviyo answers 202
 * Accepted and erases asynchronously; it offers no endpoint to read the job
 * back, so the accepted job is the step's terminal, recorded outcome
 * (privacy-domain.md 6 asks to poll where the vendor allows it). Klaviyo keeps
 * the deleted contact information as its own GDPR record of the deletion.
 */
import { outcomeOf, vendorRequest, type ErasureCallResult, type VendorEraser, type VendorHttp } from "./erasure";

export const KLAVIYO_API_BASE_URL = "https://a.klaviyo.com";
/** The API revision these request bodies follow (Klaviyo versions its API by date). */
export const KLAVIYO_REVISION = "2024-10-15";

export function createKlaviyoEraser(options: { privateKey: string; baseUrl?: string } & VendorHttp): VendorEraser {
  const base = (options.baseUrl ?? KLAVIYO_API_BASE_URL).replace(/\/+$/, "");
  return {
    service: "klaviyo",
    async erase(call): Promise<ErasureCallResult> {
      const body = { data: { type: "data-privacy-deletion-job", attributes: { profile: { data: { type: "profile", attributes: { email: call.email } } } } } };
      const answer = await vendorRequest(options, `${base}/api/data-privacy-deletion-jobs`, {
        method: "POST",
        headers: { authorization: `Klaviyo-API-Key ${options.privateKey}`, revision: KLAVIYO_REVISION, "content-type": "application/vnd.api+json", accept: "application/vnd.api+json" },
        body: JSON.stringify(body),
      });
      return outcomeOf(answer, (status) => (status === 202 ? "deletion job accepted; Klaviyo erases asynchronously" : undefined));
    },
  };
}
