/**
 * conduit's own `/integrations/{service}/customer-redact` endpoint for Stripe,
 * Mailchimp (both products), WooCommerce, Salesforce and Xero: none of these
 * platforms sends a redaction webhook (integrations spec §1), so the
 * controller's tooling (or an automation on the platform's deletion event)
 * calls this with the subject's identifiers. It becomes a rights request
 * (deletion by default, or access), never just a log line.
 *
 * Authentication is conduit's (JWE token or DID + DX key). Where the platform
 * has a raw-body signature scheme (Stripe, WooCommerce, Xero), the call must be
 * signed with it using the integration's signing secret; Salesforce calls must
 * name the configured organization id; the Mailchimp products have no usable
 * body signature (Mandrill signs form fields, audience webhooks nothing), so
 * they rely on the token alone.
 */
import { z } from "zod";
import { NotFoundError, ValidationError } from "../../../common/src/errors";
import type { RawPiiField } from "../../../common/src/pii";
import { authenticate } from "../auth/authenticate";
import { parseJsonBody, sha256, validate } from "../integrations/core";
import { verifySalesforceOrganization } from "../integrations/salesforce/signature";
import { verifyStripe } from "../integrations/stripe/signature";
import type { Verification } from "../integrations/types";
import { verifyWooCommerce } from "../integrations/woocommerce/signature";
import { verifyXero } from "../integrations/xero/signature";
import { REDACT_SERVICES } from "../integrations";
import { buildRows } from "./build-rows";
import { processorChecks, processorSecrets } from "./processor-settings";
import { SignatureError, storeRows, type IntakeDeps, type IntakeOutcome, type ReceiveInput } from "./receive-webhook";

export const CustomerRedactSchema = z.object({
  requestType: z.enum(["deletion", "access"]).default("deletion"),
  /** The caller's own id for this request: repeats with the same id store nothing. */
  requestId: z.string().min(1).max(200).optional(),
  requestedAt: z.string().datetime({ offset: true }).optional(),
  /** Salesforce only: the org the contact belongs to. */
  organizationId: z.string().optional(),
  customer: z
    .object({
      id: z.string().min(1).max(200).optional(),
      email: z.string().min(3).max(320).optional(),
      phone: z.string().min(3).max(64).optional(),
    })
    .refine((c) => c.id !== undefined || c.email !== undefined || c.phone !== undefined, "needs at least one of id, email, phone"),
});

export async function receiveCustomerRedact(input: ReceiveInput, deps: IntakeDeps): Promise<IntakeOutcome> {
  if (!REDACT_SERVICES.has(input.service)) throw new NotFoundError("No such route");
  const { controller, processor } = await authenticate(input, deps);
  const now = deps.now();
  const checks = processorChecks(processor);
  const secrets = processorSecrets(processor, deps.secretKeys);
  // Signatures over the raw bytes come before parsing; Salesforce's check reads the parsed body.
  let verification: Verification = { ok: true };
  if (input.service === "stripe") verification = verifyStripe(input.request, secrets, now, checks.toleranceSeconds);
  else if (input.service === "woocommerce") verification = verifyWooCommerce(input.request, secrets);
  else if (input.service === "xero") verification = verifyXero(input.request, secrets);
  if (!verification.ok) throw new SignatureError(verification.reason);
  const body = validate(CustomerRedactSchema, parseJsonBody(input.request.body), "customer-redact request");
  if (input.service === "salesforce") {
    const org = verifySalesforceOrganization(body.organizationId, checks);
    if (!org.ok) throw new SignatureError(org.reason);
  }

  const pii: RawPiiField[] = [];
  if (body.customer.id) pii.push({ type: "customer_id", path: "$.customer.id", value: `${input.service}:${body.organizationId ?? "self"}:${body.customer.id}` });
  if (body.customer.email) pii.push({ type: "email", path: "$.customer.email", value: body.customer.email });
  if (body.customer.phone) pii.push({ type: "phone", path: "$.customer.phone", value: body.customer.phone });
  const requestedAt = body.requestedAt ? new Date(body.requestedAt) : undefined;
  const built = buildRows(
    {
      controllerId: controller.id,
      processorId: processor.id,
      service: input.service,
      events: [{
        eventType: `customer-redact.${body.requestType}`,
        platformEventId: `redact:${body.requestId ?? sha256(input.request.body).toString("hex")}`,
        triggeredAt: requestedAt,
        pii,
        rightsRequest: body.requestType,
      }],
      receivedAt: now,
      defaultRegion: checks.defaultRegion ?? deps.defaultRegion,
    },
    deps.piiKeys,
  );
  if (built[0].row.pii.length === 0) {
    throw new ValidationError("No usable identifier", [{ path: "customer", message: "no valid e-mail, phone or id" }]);
  }
  const result = await storeRows(built, controller.id, processor.id, input.service, deps, now);
  return { kind: "stored", service: input.service, received: 1, ...result, fieldTypes: built[0].row.fieldTypes };
}
