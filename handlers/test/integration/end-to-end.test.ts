import request from "supertest";
import { deriveControllerKey, hashIdentifier, parsePiiMasterKeys } from "../../../common/src/pii";
import { signMandrill } from "../../../conduit/src/integrations/mailchimp/signature";
import { signShopify } from "../../../conduit/src/integrations/shopify/signature";
import { signStripe } from "../../../conduit/src/integrations/stripe/signature";
import { createController, createIntegration } from "../../../conduit/src/management/integrations";
import { CONDUIT_BASE_URL, CONDUIT_PII_KEYS, conduitFor } from "../helpers/conduit";
import { startStack, type Stack } from "../helpers/stack";

const TRIGGERS = ["webhook_intake_insert", "data_subjects_insert", "data_processing_activities_insert", "data_controllers_insert"];
const pathOf = (url: string) => {
  const u = new URL(url);
  return u.pathname + u.search;
};

describe("signed webhooks from Shopify, Stripe and Mailchimp through conduit, the engine and handlers", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("one person's e-mail in three platforms becomes one subject with three activities and links from each platform", async () => {
    const { app, management } = conduitFor(stack);
    const controller = await createController({ title: "Three Platform Shop", plan: "business" }, management);
    await stack.waitFor(() => stack.settled(TRIGGERS)); // default purposes exist (data_controllers_insert)
    const shopify = await createIntegration(
      { did: controller.did, dxKey: controller.dxKey, service: "shopify", name: "Shop", signingSecret: "shpss_e2e", config: { legalBasis: "contract", purpose: "service_delivery" } },
      management,
    );
    const stripe = await createIntegration(
      { did: controller.did, dxKey: controller.dxKey, service: "stripe", name: "Payments", signingSecret: "whsec_e2e", config: { legalBasis: "legal_obligation", purpose: "legal_obligations" } },
      management,
    );
    const mailchimp = await createIntegration(
      { did: controller.did, dxKey: controller.dxKey, service: "mailchimp", name: "Mail", signingSecret: "mandrill_e2e", config: { legalBasis: "consent", purpose: "marketing" } },
      management,
    );

    const shopBody = JSON.stringify({ id: 5001, email: " Pat.Lee@Example.org ", first_name: "Pat", last_name: "Lee" });
    await request(app)
      .post(pathOf(shopify.webhookUrl))
      .set({
        "content-type": "application/json",
        "x-shopify-topic": "customers/create",
        "x-shopify-hmac-sha256": signShopify(shopBody, "shpss_e2e"),
        "x-shopify-shop-domain": "e2e.myshopify.com",
        "x-shopify-event-id": "e2e-shop-1",
        "x-shopify-webhook-id": "e2e-wh-1",
        "x-shopify-triggered-at": "2026-03-02T09:59:00Z",
      })
      .send(shopBody)
      .expect(200);
    const stripeBody = JSON.stringify({ id: "evt_e2e_1", object: "event", type: "customer.created", created: 1772445540, data: { object: { id: "cus_e2e", object: "customer", email: "pat.lee@example.org", name: "Pat Lee" } } });
    await request(app)
      .post(pathOf(stripe.webhookUrl))
      .set({ "content-type": "application/json", "stripe-signature": signStripe(stripeBody, "whsec_e2e", Math.floor(stack.clock.now.getTime() / 1000)) })
      .send(stripeBody)
      .expect(200);
    const events = JSON.stringify([{ event: "send", _id: "m-e2e-1", ts: 1772445540, msg: { ts: 1772445540, _id: "m-e2e-1", email: "PAT.LEE@example.org", subject: "Hello", state: "sent", tags: [] } }]);
    const mailBody = `mandrill_events=${encodeURIComponent(events)}`;
    await request(app)
      .post(pathOf(mailchimp.webhookUrl))
      .set({ "content-type": "application/x-www-form-urlencoded", "x-mandrill-signature": signMandrill(CONDUIT_BASE_URL + pathOf(mailchimp.webhookUrl), [...new URLSearchParams(mailBody).entries()], "mandrill_e2e") })
      .send(mailBody)
      .expect(200);
    await stack.waitFor(() => stack.settled(TRIGGERS));

    const controllerId = controller.id;
    const subjects = await stack.query<{ id: string; status: string }>("select id, status from public.data_subjects where controller_id = $1 and status = 'active'", [controllerId]);
    expect(subjects).toHaveLength(1);
    const activities = await stack.query(
      `select p.service, a.event_type, a.legal_basis, a.purpose, a.compliance_status, coalesce(s.merged_into, s.id) as subject
         from public.data_processing_activities a join public.data_processors p on p.id = a.data_processor_id join public.data_subjects s on s.id = a.data_subject_id
        where a.controller_id = $1 order by p.service`,
      [controllerId],
    );
    expect(activities).toEqual([
      { service: "mailchimp", event_type: "send", legal_basis: "consent", purpose: "marketing", compliance_status: "needs_review", subject: subjects[0].id },
      { service: "shopify", event_type: "customers/create", legal_basis: "contract", purpose: "service_delivery", compliance_status: "compliant", subject: subjects[0].id },
      { service: "stripe", event_type: "customer.created", legal_basis: "legal_obligation", purpose: "legal_obligations", compliance_status: "compliant", subject: subjects[0].id },
    ]);
    const key = deriveControllerKey(parsePiiMasterKeys(CONDUIT_PII_KEYS), controllerId);
    const links = await stack.query<{ identifier_type: string; identifier_hash: string; service: string; subject: string }>(
      `select l.identifier_type, l.identifier_hash, p.service, coalesce(s.merged_into, s.id) as subject
         from public.privacy_preserving_links l join public.data_processors p on p.id = l.source_processor_id join public.data_subjects s on s.id = l.data_subject_id
        where l.controller_id = $1 order by p.service, l.identifier_type`,
      [controllerId],
    );
    expect(links).toEqual([
      { identifier_type: "customer_id", identifier_hash: hashIdentifier(key, "customer_id", "shopify:e2e.myshopify.com:5001"), service: "shopify", subject: subjects[0].id },
      { identifier_type: "email", identifier_hash: hashIdentifier(key, "email", "pat.lee@example.org"), service: "shopify", subject: subjects[0].id },
      { identifier_type: "customer_id", identifier_hash: hashIdentifier(key, "customer_id", "stripe:self:cus_e2e"), service: "stripe", subject: subjects[0].id },
    ]);
    // No raw identifier reached a log line of conduit or handlers (STYLE.md section 6).
    const logs = stack.logLines.join("\n").toLowerCase();
    expect(logs).toContain("intake event processed");
    for (const raw of ["pat.lee@example.org", "pat lee", "cus_e2e", "5001"]) expect(logs).not.toContain(raw);
  });
});
