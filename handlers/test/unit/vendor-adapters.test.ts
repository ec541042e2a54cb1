/**
 * The vendor erasure adapters' pure parts and their answer mapping against a
 * local server: which adapter an integration gets, Mailchimp's member hash
 * and data-center URL, and how each vendor answer becomes a step outcome.
 */
import { vendorEraserFor, type VendorOptions } from "../../src/adapters/vendors";
import { failureOf } from "../../src/adapters/vendors/erasure";
import { createMailchimpEraser, mailchimpBaseUrl, mailchimpSubscriberHash } from "../../src/adapters/vendors/mailchimp";
import { createStripeEraser } from "../../src/adapters/vendors/stripe";
import { startFakeVendor } from "../helpers/fake-vendor";

const options: VendorOptions = { credentials: { "mc-ref": "key-us21", "st-ref": "sk_test_x" }, baseUrls: {}, fetch, timeoutMs: 2_000 };

describe("vendor erasure adapters", () => {
  it("mailchimpSubscriberHash is the MD5 of the lower-cased address (Mailchimp's subscriber_hash)", () => {
    expect(mailchimpSubscriberHash("erase.vendor@example.org")).toBe("1c17d8c1a39d68bbfb97fafc1c06c358");
    expect(mailchimpSubscriberHash("Erase.Vendor@EXAMPLE.org")).toBe("1c17d8c1a39d68bbfb97fafc1c06c358");
  });

  it("mailchimpBaseUrl takes the data center from the key's suffix", () => {
    expect(mailchimpBaseUrl("0123abcd-us21")).toBe("https://us21.api.mailchimp.com/3.0");
    expect(mailchimpBaseUrl("0123abcd")).toBeNull();
  });

  it("vendorEraserFor needs a resolvable credentials_ref (and a list id for Mailchimp); other services get none", () => {
    expect(vendorEraserFor({ service: "mailchimp", credentialsRef: "mc-ref", config: { listId: "l1" } }, options)?.service).toBe("mailchimp");
    expect(vendorEraserFor({ service: "mailchimp-marketing", credentialsRef: "mc-ref", config: { audienceId: "l1" } }, options)?.service).toBe("mailchimp-marketing");
    expect(vendorEraserFor({ service: "mailchimp", credentialsRef: "mc-ref", config: {} }, options)).toBeNull();
    expect(vendorEraserFor({ service: "stripe", credentialsRef: "st-ref", config: {} }, options)?.service).toBe("stripe");
    expect(vendorEraserFor({ service: "stripe", credentialsRef: null, config: {} }, options)).toBeNull();
    expect(vendorEraserFor({ service: "stripe", credentialsRef: "missing", config: {} }, options)).toBeNull();
    expect(vendorEraserFor({ service: "hubspot", credentialsRef: "st-ref", config: {} }, options)?.service).toBe("hubspot");
    expect(vendorEraserFor({ service: "klaviyo", credentialsRef: "st-ref", config: {} }, options)?.service).toBe("klaviyo");
    expect(vendorEraserFor({ service: "salesforce", credentialsRef: "st-ref", config: {} }, options)).toBeNull();
  });

  it("failureOf: 404/410 not found, 408/425/429/5xx retried, other 4xx rejected", () => {
    expect([404, 410].map(failureOf)).toEqual([{ kind: "not_found", httpStatus: 404 }, { kind: "not_found", httpStatus: 410 }]);
    expect([408, 425, 429, 502].map((s) => failureOf(s).kind)).toEqual(["transient", "transient", "transient", "transient"]);
    expect([400, 401, 403].map(failureOf)).toEqual([{ kind: "rejected", httpStatus: 400 }, { kind: "rejected", httpStatus: 401 }, { kind: "rejected", httpStatus: 403 }]);
  });

  it("Mailchimp: 404 means the audience has no such member; a revoked key is rejected; a dead server is transient", async () => {
    const statuses = [404, 401];
    const vendor = await startFakeVendor((_req, i) => ({ status: statuses[i] ?? 500, body: { title: "x" } }));
    try {
      const eraser = createMailchimpEraser({ apiKey: "k-us1", listId: "l1", baseUrl: vendor.url, fetch, timeoutMs: 2_000 });
      expect(await eraser?.erase({ email: "a@example.org", idempotencyKey: "k" })).toEqual({ kind: "not_found", httpStatus: 404 });
      expect(await eraser?.erase({ email: "a@example.org", idempotencyKey: "k" })).toEqual({ kind: "rejected", httpStatus: 401 });
    } finally {
      await vendor.close();
    }
    const dead = createMailchimpEraser({ apiKey: "k-us1", listId: "l1", baseUrl: vendor.url, fetch, timeoutMs: 2_000 });
    expect(await dead?.erase({ email: "a@example.org", idempotencyKey: "k" })).toMatchObject({ kind: "transient", httpStatus: null, reason: expect.stringMatching(/^connection failed /) });
  });

  it("Stripe: no customer with the address is not found; a malformed list is retried; a customer deleted meanwhile (404) counts as gone", async () => {
    const answers = [
      { status: 200, body: { object: "list", data: [], has_more: false } },
      { status: 200, body: { unexpected: true } },
      { status: 200, body: { object: "list", data: [{ id: "cus_Z9" }], has_more: false } },
      { status: 404, body: { error: { code: "resource_missing" } } },
    ];
    const vendor = await startFakeVendor((_req, i) => answers[i] ?? { status: 500 });
    try {
      const eraser = createStripeEraser({ secretKey: "sk_test_x", baseUrl: vendor.url, fetch, timeoutMs: 2_000 });
      expect(await eraser.erase({ email: "a@example.org", idempotencyKey: "k" })).toEqual({ kind: "not_found", httpStatus: 200 });
      expect(await eraser.erase({ email: "a@example.org", idempotencyKey: "k" })).toEqual({ kind: "transient", httpStatus: 200, reason: "unexpected customer list answer" });
      expect(await eraser.erase({ email: "a@example.org", idempotencyKey: "k" })).toEqual({ kind: "completed", httpStatus: 404, reference: "1 customer(s) deleted" });
      expect(vendor.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        "GET /v1/customers?email=a%40example.org&limit=100",
        "GET /v1/customers?email=a%40example.org&limit=100",
        "GET /v1/customers?email=a%40example.org&limit=100",
        "DELETE /v1/customers/cus_Z9",
      ]);
    } finally {
      await vendor.close();
    }
  });
});
