/**
 * Mailchimp Marketing API erasure: permanently delete the audience member
 * (`POST /3.0/lists/{list_id}/members/{subscriber_hash}/actions/delete-permanent`,
 * 204 No Content). Mailchimp addresses a member by `subscriber_hash`, the MD5
 * hex of the lower-cased e-mail address (Mailchimp Marketing API reference,
 * "List members"). `DELETE .../members/{hash}` only archives the member (the
 * data stays and can be restored), so it is not erasure (privacy-domain.md 6:
 * prefer the vendor's deletion endpoint). A permanently deleted address
 * cannot be re-imported to that audience, which is what an erasure asks for.
 *
 * Authentication: HTTP Basic with any user name and the API key as password.
 * The API key ends in `-<data center>` (e.g. `...-us6`), which names the base
 * URL `https://<dc>.api.mailchimp.com/3.0`; a configured base URL (a proxy,
 * or the local fake in tests) takes precedence.
 *
 * The MD5 is computed at call time from the verified address and never
 * stored: it is the vendor's format, an unkeyed hash that is still personal
 * data (privacy-domain.md 12.2, last point).
 */
import { createHash } from "node:crypto";
import { outcomeOf, vendorRequest, type ErasureCallResult, type VendorEraser, type VendorHttp } from "./erasure";

const DATA_CENTER = /-([a-z]{2,4}\d{1,3})$/;

/** Mailchimp's member id: MD5 hex of the lower-cased address. */
export function mailchimpSubscriberHash(email: string): string {
  return createHash("md5").update(email.toLowerCase(), "utf8").digest("hex");
}

/** `https://<dc>.api.mailchimp.com/3.0` from an API key's `-<dc>` suffix, or null when the key has none. */
export function mailchimpBaseUrl(apiKey: string): string | null {
  const match = DATA_CENTER.exec(apiKey);
  return match ? `https://${match[1]}.api.mailchimp.com/3.0` : null;
}

export function createMailchimpEraser(options: { apiKey: string; listId: string; baseUrl?: string; service?: string } & VendorHttp): VendorEraser | null {
  const base = (options.baseUrl ?? mailchimpBaseUrl(options.apiKey))?.replace(/\/+$/, "");
  if (!base) return null;
  const authorization = `Basic ${Buffer.from(`privacy-platform:${options.apiKey}`, "utf8").toString("base64")}`;
  return {
    service: options.service ?? "mailchimp",
    async erase(call): Promise<ErasureCallResult> {
      const url = `${base}/lists/${encodeURIComponent(options.listId)}/members/${mailchimpSubscriberHash(call.email)}/actions/delete-permanent`;
      return outcomeOf(await vendorRequest(options, url, { method: "POST", headers: { authorization, accept: "application/json" } }));
    },
  };
}
