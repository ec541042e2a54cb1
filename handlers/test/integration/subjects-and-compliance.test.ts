import { randomUUID } from "node:crypto";
import { ed25519PublicKeyFromDidKey } from "../../src/subjects/did-key";
import { startStack, type Stack } from "../helpers/stack";
import { insertController, insertIntake, insertProcessor, insertPurpose } from "../helpers/seed";

const TRIGGERS = ["webhook_intake_insert", "data_subjects_insert", "data_processing_activities_insert"];

describe("intake, data_subjects_insert and data_processing_activities_insert through the engine", () => {
  let stack: Stack;
  let controllerId: string;
  let shopify: string;
  let mailchimp: string;
  let analyticsPurpose: string;
  let newsletterPurpose: string;
  let necessaryPurpose: string;

  beforeAll(async () => {
    stack = await startStack();
    controllerId = await insertController(stack, { settings: { didGeneration: true, consentCollection: true } });
    await insertPurpose(stack, controllerId, "order_fulfilment", "contract");
    newsletterPurpose = await insertPurpose(stack, controllerId, "marketing_email", "consent");
    analyticsPurpose = await insertPurpose(stack, controllerId, "analytics", "consent");
    necessaryPurpose = await insertPurpose(stack, controllerId, "essential", "legitimate_interests", { retentionDays: null });
    const formId = randomUUID();
    await stack.query(
      `insert into public.consent_forms (id, controller_id, slug, name, version, status, regime, published_at) values ($1, $2, 'banner', 'Banner', 1, 'published', 'opt_in', now())`,
      [formId, controllerId],
    );
    await stack.query(
      `insert into public.consent_categories (form_id, purpose_id, slug, title, is_required, default_granted) values
        ($1, $2, 'analytics', 'Analytics', false, false), ($1, $3, 'newsletter', 'Newsletter', false, false), ($1, $4, 'necessary', 'Necessary', true, true)`,
      [formId, analyticsPurpose, newsletterPurpose, necessaryPurpose],
    );
    shopify = await insertProcessor(stack, controllerId, "shopify", { legalBasis: "contract", purpose: "order_fulfilment", fieldTypes: ["email", "customer_id"] });
    mailchimp = await insertProcessor(stack, controllerId, "mailchimp", { legalBasis: "consent", purpose: "marketing_email" });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const snapshot = async () => ({
    subjects: await stack.query("select id, did, status, merged_into, last_seen_at from public.data_subjects where controller_id = $1 order by id", [controllerId]),
    links: await stack.query("select id, data_subject_id, identifier_type, identifier_hash, last_seen_at from public.privacy_preserving_links where controller_id = $1 order by id", [controllerId]),
    activities: await stack.query("select id, data_subject_id, compliance_status, compliance_notes, dedup_key from public.data_processing_activities where controller_id = $1 order by id", [controllerId]),
    preferences: await stack.query("select id, data_subject_id, purpose_id, granted, updated_at from public.data_subject_preference_values where controller_id = $1 order by id", [controllerId]),
    scheduled: await stack.query("select id, reference, payload from public.scheduled_events where controller_id = $1 order by id", [controllerId]),
    intake: await stack.query("select id, status, processed_at from public.webhook_intake where controller_id = $1 order by id", [controllerId]),
  });

  it("records activities with compliance statuses, gives the new subject a did:key, default consent state and queued consent collection", async () => {
    const shop = await insertIntake(stack, { controllerId, processorId: shopify, service: "shopify", eventType: "orders/create", platformEventId: "w-100",
      pii: [{ type: "email", value: "ann@example.org" }, { type: "customer_id", value: "shopify:s:1" }, { type: "postal_address", value: "1 main st" }] });
    const mail = await insertIntake(stack, { controllerId, processorId: mailchimp, service: "mailchimp", eventType: "subscribe", pii: [{ type: "email", value: "ann@example.org" }] });
    await stack.waitFor(() => stack.settled(TRIGGERS));

    // Both events arrive at once, so each delivery may create a subject; the
    // loser is then marked merged into the survivor (privacy-domain.md 12.4).
    const subjects = await stack.query<{ id: string; did: string }>("select id, did from public.data_subjects where controller_id = $1 and status = 'active'", [controllerId]);
    expect(subjects).toHaveLength(1);
    const merged = await stack.query("select merged_into, merge_identifier_type, status from public.data_subjects where controller_id = $1 and status <> 'active'", [controllerId]);
    expect(merged.length).toBeLessThanOrEqual(1);
    for (const row of merged) expect(row).toEqual({ merged_into: subjects[0].id, merge_identifier_type: expect.stringMatching(/^(email|customer_id)$/), status: "merged" });
    const canonical = await stack.query<{ id: string }>("select distinct coalesce(s.merged_into, s.id) as id from public.data_processing_activities a join public.data_subjects s on s.id = a.data_subject_id where a.controller_id = $1", [controllerId]);
    expect(canonical).toEqual([{ id: subjects[0].id }]);
    expect(ed25519PublicKeyFromDidKey(subjects[0].did)).toHaveLength(32);

    const activities = await stack.query<{ intake_id: string; compliance_status: string; compliance_notes: string }>(
      "select intake_id, compliance_status, compliance_notes from public.data_processing_activities where controller_id = $1",
      [controllerId],
    );
    const byIntake = new Map(activities.map((a) => [a.intake_id, a]));
    expect(byIntake.get(shop)).toEqual({
      intake_id: shop,
      compliance_status: "needs_review",
      compliance_notes: "field types not declared for the integration: postal_address (Art. 5(1)(c), 30(1)(c))",
    });
    expect(byIntake.get(mail)).toEqual({ intake_id: mail, compliance_status: "needs_review", compliance_notes: "no recorded consent for the purpose (Art. 7(1))" });

    const prefs = await stack.query<{ purpose_id: string; granted: boolean; source_form_value_id: string | null }>(
      "select purpose_id, granted, source_form_value_id from public.data_subject_preference_values where data_subject_id = $1 order by granted, purpose_id",
      [subjects[0].id],
    );
    expect(prefs).toEqual(
      [
        { purpose_id: analyticsPurpose, granted: false, source_form_value_id: null },
        { purpose_id: newsletterPurpose, granted: false, source_form_value_id: null },
      ].sort((a, b) => a.purpose_id.localeCompare(b.purpose_id)).concat([{ purpose_id: necessaryPurpose, granted: true, source_form_value_id: null }]),
    );
    const scheduled = await stack.query<{ reference: string; owner_type: string; payload: { dataSubjectId: string } }>(
      "select reference, owner_type, payload from public.scheduled_events where controller_id = $1 and payload ->> 'dataSubjectId' = $2",
      [controllerId, subjects[0].id],
    );
    expect(scheduled).toEqual([{ reference: "consent_collection", owner_type: "consent_form", payload: expect.objectContaining({ dataSubjectId: subjects[0].id }) }]);
  });

  it("an activity whose purpose is not declared is non_compliant", async () => {
    // Legitimate interests: generate_controller_purposes derives no purpose from such a config
    // (documents/derive-purposes.ts), so "profiling" stays undeclared however the deliveries interleave.
    const rogue = await insertProcessor(stack, controllerId, "stripe", { legalBasis: "legitimate_interests", purpose: "profiling" });
    const id = await insertIntake(stack, { controllerId, processorId: rogue, service: "stripe", eventType: "charge.succeeded", platformEventId: "evt_rogue",
      pii: [{ type: "email", value: "ann@example.org" }] });
    await stack.waitFor(() => stack.settled(TRIGGERS));
    const rows = await stack.query("select compliance_status, compliance_notes, purpose_id from public.data_processing_activities where intake_id = $1", [id]);
    expect(rows).toEqual([{ compliance_status: "non_compliant", compliance_notes: 'purpose "profiling" is not declared by the controller (Art. 5(1)(b))', purpose_id: null }]);
  });

  it("an integration without any legal basis leaves the intake row failed with the reason and no activity", async () => {
    const unconfigured = await insertProcessor(stack, controllerId, "klaviyo", {});
    const id = await insertIntake(stack, { controllerId, processorId: unconfigured, service: "klaviyo", eventType: "profile.created", pii: [{ type: "email", value: "bob@example.org" }] });
    await stack.waitFor(() => stack.settled(TRIGGERS));
    expect(await stack.query("select status, last_error from public.webhook_intake where id = $1", [id])).toEqual([
      { status: "failed", last_error: "integration has no legal basis: set data_processors.config.legalBasis or a purpose with one" },
    ]);
    expect(await stack.query("select id from public.data_processing_activities where intake_id = $1", [id])).toEqual([]);
  });

  it("redelivering every event of the three triggers answers 200 and changes nothing", async () => {
    await stack.waitFor(() => stack.settled(TRIGGERS));
    const before = await snapshot();
    for (const trigger of TRIGGERS) {
      const statuses = await stack.redeliver(trigger);
      expect(statuses.length).toBeGreaterThan(0);
      expect(new Set(statuses)).toEqual(new Set([200]));
    }
    expect(await snapshot()).toEqual(before);
  });

  it("when the handler fails, the engine's delivery gets a 500 and the retry completes the work once", async () => {
    stack.failNext("webhook_intake_insert", 1);
    const id = await insertIntake(stack, { controllerId, processorId: shopify, service: "shopify", eventType: "orders/paid", platformEventId: "w-retry",
      pii: [{ type: "email", value: "carl@example.org" }] });
    await stack.waitFor(async () => (await stack.query("select 1 from hdb_catalog.event_invocation_logs l join hdb_catalog.event_log e on e.id = l.event_id where e.trigger_name = 'webhook_intake_insert' and l.status = 500 and e.payload -> 'data' -> 'new' ->> 'id' = $1", [id])).length === 1);
    expect(await stack.query("select status from public.webhook_intake where id = $1", [id])).toEqual([{ status: "pending" }]);
    await stack.retryNow();
    await stack.waitFor(() => stack.settled(TRIGGERS));
    expect(await stack.query("select status from public.webhook_intake where id = $1", [id])).toEqual([{ status: "processed" }]);
    expect(await stack.query("select dedup_key from public.data_processing_activities where intake_id = $1", [id])).toEqual([{ dedup_key: "shopify:w-retry" }]);
    const statuses = await stack.query<{ status: number }>(
      "select l.status from hdb_catalog.event_invocation_logs l join hdb_catalog.event_log e on e.id = l.event_id where e.payload -> 'data' -> 'new' ->> 'id' = $1 order by l.created_at",
      [id],
    );
    expect(statuses.map((s) => s.status)).toEqual([500, 200]);
  });
});
