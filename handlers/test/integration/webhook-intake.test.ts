import { startStack, type Stack } from "../helpers/stack";
import { hashFor, insertController, insertIntake, insertProcessor, insertPurpose } from "../helpers/seed";

describe("webhook_intake_insert through the engine", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  const processed = (intakeId: string) => async () =>
    (await stack.query<{ status: string }>("select status from public.webhook_intake where id = $1", [intakeId]))[0]?.status === "processed";

  it("when Shopify, Stripe and Mailchimp events carry one e-mail, records one subject, three activities and links from each platform", async () => {
    const controllerId = await insertController(stack);
    await insertPurpose(stack, controllerId, "order_fulfilment", "contract");
    await insertPurpose(stack, controllerId, "payments", "legal_obligation");
    await insertPurpose(stack, controllerId, "marketing_email", "consent");
    const shopify = await insertProcessor(stack, controllerId, "shopify", { legalBasis: "contract", purpose: "order_fulfilment" });
    const stripe = await insertProcessor(stack, controllerId, "stripe", { legalBasis: "legal_obligation", purpose: "payments" });
    const mailchimp = await insertProcessor(stack, controllerId, "mailchimp", { purpose: "marketing_email" });
    const email = "jane.doe@example.com";
    const ids = [
      await insertIntake(stack, { controllerId, processorId: shopify, service: "shopify", eventType: "orders/create", platformEventId: "wh-1",
        pii: [{ type: "email", value: email }, { type: "customer_id", value: "shopify:acme.myshopify.com:7001" }, { type: "name", value: "jane doe" }] }),
    ];
    await stack.waitFor(processed(ids[0]));
    ids.push(await insertIntake(stack, { controllerId, processorId: stripe, service: "stripe", eventType: "charge.succeeded", platformEventId: "evt_1",
      pii: [{ type: "email", value: email }, { type: "customer_id", value: "stripe:acct_1:cus_9" }] }));
    ids.push(await insertIntake(stack, { controllerId, processorId: mailchimp, service: "mailchimp", eventType: "subscribe",
      pii: [{ type: "email", value: email }] }));
    for (const id of ids) await stack.waitFor(processed(id));

    const subjects = await stack.query<{ id: string }>("select id from public.data_subjects where controller_id = $1", [controllerId]);
    expect(subjects).toHaveLength(1);
    const activities = await stack.query<{ event_type: string; legal_basis: string; purpose: string; dedup_key: string; data_subject_id: string; pii_field_types: string[] }>(
      "select event_type, legal_basis, purpose, dedup_key, data_subject_id, pii_field_types from public.data_processing_activities where controller_id = $1 order by event_type",
      [controllerId],
    );
    expect(activities).toEqual([
      { event_type: "charge.succeeded", legal_basis: "legal_obligation", purpose: "payments", dedup_key: "stripe:evt_1", data_subject_id: subjects[0].id, pii_field_types: ["customer_id", "email"] },
      { event_type: "orders/create", legal_basis: "contract", purpose: "order_fulfilment", dedup_key: "shopify:wh-1", data_subject_id: subjects[0].id, pii_field_types: ["customer_id", "email", "name"] },
      { event_type: "subscribe", legal_basis: "consent", purpose: "marketing_email", dedup_key: `intake:${ids[2]}`, data_subject_id: subjects[0].id, pii_field_types: ["email"] },
    ]);
    const links = await stack.query<{ identifier_type: string; identifier_hash: string; source_processor_id: string; data_subject_id: string }>(
      "select identifier_type, identifier_hash, source_processor_id, data_subject_id from public.privacy_preserving_links where controller_id = $1 order by identifier_type, source_processor_id",
      [controllerId],
    );
    expect(links).toHaveLength(3);
    expect(new Set(links.map((l) => l.data_subject_id))).toEqual(new Set([subjects[0].id]));
    expect(links.find((l) => l.identifier_type === "email")).toMatchObject({ identifier_hash: hashFor(controllerId, "email", email), source_processor_id: shopify });
    expect(links.filter((l) => l.identifier_type === "customer_id").map((l) => l.source_processor_id).sort()).toEqual([shopify, stripe].sort());
  });

  it("an event carrying identifiers of two known subjects merges the newer into the older with the shared identifier type", async () => {
    const controllerId = await insertController(stack);
    await insertPurpose(stack, controllerId, "orders", "contract");
    const shop = await insertProcessor(stack, controllerId, "shopify", { legalBasis: "contract", purpose: "orders" });
    const first = await insertIntake(stack, { controllerId, processorId: shop, service: "shopify", eventType: "orders/create", platformEventId: "m-1", pii: [{ type: "email", value: "sam@example.org" }] });
    await stack.waitFor(processed(first));
    const second = await insertIntake(stack, { controllerId, processorId: shop, service: "shopify", eventType: "orders/create", platformEventId: "m-2", pii: [{ type: "customer_id", value: "shopify:s:77" }] });
    await stack.waitFor(processed(second));
    const [older, newer] = await stack.query<{ id: string }>("select id from public.data_subjects where controller_id = $1 order by created_at", [controllerId]);
    const both = await insertIntake(stack, { controllerId, processorId: shop, service: "shopify", eventType: "orders/paid", platformEventId: "m-3",
      pii: [{ type: "email", value: "sam@example.org" }, { type: "customer_id", value: "shopify:s:77" }] });
    await stack.waitFor(processed(both));
    expect(await stack.query("select id, status, merged_into, merge_identifier_type from public.data_subjects where controller_id = $1 order by created_at", [controllerId])).toEqual([
      { id: older.id, status: "active", merged_into: null, merge_identifier_type: null },
      { id: newer.id, status: "merged", merged_into: older.id, merge_identifier_type: "customer_id" },
    ]);
    expect(await stack.query("select data_subject_id from public.data_processing_activities where intake_id = $1", [both])).toEqual([{ data_subject_id: older.id }]);
  });

  it("twelve events for one person delivered at once leave one canonical subject, no subject without links, one activity each", async () => {
    const controllerId = await insertController(stack);
    await insertPurpose(stack, controllerId, "orders", "contract");
    const shop = await insertProcessor(stack, controllerId, "shopify", { legalBasis: "contract", purpose: "orders" });
    const stripe = await insertProcessor(stack, controllerId, "stripe", { legalBasis: "contract", purpose: "orders" });
    const ids = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        insertIntake(stack, {
          controllerId,
          processorId: i % 2 === 0 ? shop : stripe,
          service: i % 2 === 0 ? "shopify" : "stripe",
          eventType: "customers/update",
          platformEventId: `burst-${i}`,
          pii: [{ type: "email", value: "rush@example.org" }, { type: "customer_id", value: i % 2 === 0 ? "shopify:s:9" : "stripe:a:cus_9" }],
        }),
      ),
    );
    for (const id of ids) await stack.waitFor(processed(id));
    const canonical = await stack.query("select distinct coalesce(s.merged_into, s.id) as id from public.data_processing_activities a join public.data_subjects s on s.id = a.data_subject_id where a.controller_id = $1", [controllerId]);
    expect(canonical).toHaveLength(1);
    expect(await stack.query("select count(*)::int as n from public.data_processing_activities where controller_id = $1", [controllerId])).toEqual([{ n: 12 }]);
    expect(await stack.query("select count(*)::int as n from public.data_subjects where controller_id = $1 and status = 'active'", [controllerId])).toEqual([{ n: 1 }]);
    expect(await stack.query(
      "select count(*)::int as n from public.data_subjects s where s.controller_id = $1 and not exists (select 1 from public.privacy_preserving_links l where l.data_subject_id = s.id)",
      [controllerId],
    )).toEqual([{ n: 0 }]);
    const linkOwners = await stack.query("select distinct coalesce(s.merged_into, s.id) as id from public.privacy_preserving_links l join public.data_subjects s on s.id = l.data_subject_id where l.controller_id = $1", [controllerId]);
    expect(linkOwners).toEqual(canonical);
  });
});
