/**
 * Stripe erasure: find the customers with the verified address
 * (`GET /v1/customers?email=<address>&limit=100`) and delete each one
 * (`DELETE /v1/customers/{id}`: permanent, and it cancels the customer's
 * active subscriptions; Stripe API reference, "Customers"). Authentication is
 * the secret key as a Bearer token.
 *
 * Why by e-mail: the platform stores Stripe customer ids only as keyed
 * hashes (privacy-domain.md 12.3: platform ids are personal data), so the id
 * cannot be read back; the verified request's address finds the customers
 * instead. Stripe's `email` filter is case-sensitive: the canonical
 * (lower-cased) address is used, so a customer whose address Stripe holds in
 * other capitals is not found (reported as `not_found` on the timeline; the
 * organization then deletes it by hand). Paid invoices and charges stay in
 * Stripe as the organization's accounting records (a legal obligation, Art.
 * 17(3)(b)); only the customer object and its payment methods go.
 */
import { z } from "zod";
import { failureOf, vendorRequest, type ErasureCallResult, type VendorEraser, type VendorHttp } from "./erasure";

export const STRIPE_API_BASE_URL = "https://api.stripe.com";

const CustomerListSchema = z.object({ data: z.array(z.object({ id: z.string().regex(/^cus_[A-Za-z0-9]+$/) })), has_more: z.boolean() });

/** Customers deleted per call at most; more than this for one address is left to the next attempt (the list shrinks as they go). */
const PAGE = 100;

export function createStripeEraser(options: { secretKey: string; baseUrl?: string } & VendorHttp): VendorEraser {
  const base = (options.baseUrl ?? STRIPE_API_BASE_URL).replace(/\/+$/, "");
  const headers = { authorization: `Bearer ${options.secretKey}`, accept: "application/json" };
  return {
    service: "stripe",
    async erase(call): Promise<ErasureCallResult> {
      const listed = await vendorRequest(options, `${base}/v1/customers?${new URLSearchParams({ email: call.email, limit: String(PAGE) }).toString()}`, { method: "GET", headers });
      if (!listed.ok) return listed.result;
      if (listed.status < 200 || listed.status >= 300) return failureOf(listed.status);
      let page: z.infer<typeof CustomerListSchema>;
      try {
        page = CustomerListSchema.parse(JSON.parse(listed.text));
      } catch {
        return { kind: "transient", httpStatus: listed.status, reason: "unexpected customer list answer" };
      }
      if (page.data.length === 0) return { kind: "not_found", httpStatus: listed.status };
      let last = listed.status;
      for (const customer of page.data) {
        const deleted = await vendorRequest(options, `${base}/v1/customers/${encodeURIComponent(customer.id)}`, { method: "DELETE", headers });
        if (!deleted.ok) return deleted.result;
        // 404: deleted meanwhile (a retried attempt); that customer is gone either way.
        if ((deleted.status < 200 || deleted.status >= 300) && deleted.status !== 404) return failureOf(deleted.status);
        last = deleted.status;
      }
      // More customers than one page: a transient result makes the worker come back for the rest.
      if (page.has_more) return { kind: "transient", httpStatus: last, reason: `more than ${PAGE} customers; continuing` };
      return { kind: "completed", httpStatus: last, reference: `${page.data.length} customer(s) deleted` };
    },
  };
}
