import { randomUUID } from "node:crypto";
import { settleAllTriggers, startStackBehindProxy, type GraphqlProxy } from "../helpers/graphql-proxy";
import { insertController, insertIntake, insertProcessor, insertPurpose } from "../helpers/seed";
import { HANDLERS_SECRET, type Stack } from "../helpers/stack";

const TRIGGERS = ["webhook_intake_insert", "data_subjects_insert", "data_processing_activities_insert"];
const FIND = "FindActivityForCompliance";
const SET = "SetActivityCompliance";

interface ActivityRow extends Record<string, unknown> {
  id: string;
  intake_id: string | null;
  compliance_status: string;
  compliance_notes: string | null;
}

/**
 * Handlers talk to the engine through a counting proxy (real HTTP), so the
 * GraphQL round trips of each trigger are counted where they leave handlers.
 */
describe("compliance decided at intake; data_processing_activities_insert answers from its payload", () => {
  let stack: Stack;
  let proxy: GraphqlProxy;
  let close: (() => Promise<void>) | undefined;
  let controllerId: string;
  let newsletter: string;
  let formId: string;
  const SERVICES = { shop: "shopify", mismatch: "hubspot", rogue: "stripe", legacy: "woocommerce", mail: "mailchimp", survey: "survey-monkey", offers: "klaviyo" } as const;
  const processors: Record<keyof typeof SERVICES, string> = { shop: "", mismatch: "", rogue: "", legacy: "", mail: "", survey: "", offers: "" };

  beforeAll(async () => {
    ({ stack, proxy, close } = await startStackBehindProxy());
    controllerId = await insertController(stack);
    await insertPurpose(stack, controllerId, "orders", "contract");
    await insertPurpose(stack, controllerId, "legacy", "contract", { status: "archived" });
    newsletter = await insertPurpose(stack, controllerId, "newsletter", "consent");
    await insertPurpose(stack, controllerId, "feedback", "consent");
    const offers = await insertPurpose(stack, controllerId, "offers", "consent");
    // An opt-in banner covering the newsletter: a new subject starts with it denied by default (no record).
    formId = randomUUID();
    await stack.query(
      `insert into public.consent_forms (id, controller_id, slug, name, version, status, regime, published_at) values ($1, $2, 'banner', 'Banner', 1, 'published', 'opt_in', now())`,
      [formId, controllerId],
    );
    await stack.query(`insert into public.consent_categories (form_id, purpose_id, slug, title, is_required, default_granted) values ($1, $2, 'newsletter', 'Newsletter', false, false)`, [formId, newsletter]);
    processors.shop = await insertProcessor(stack, controllerId, "shopify", { legalBasis: "contract", purpose: "orders", fieldTypes: ["email", "customer_id"] });
    processors.mismatch = await insertProcessor(stack, controllerId, "hubspot", { legalBasis: "legitimate_interests", purpose: "orders" });
    // Legitimate interests with an undeclared purpose: generate_controller_purposes derives no purpose from it
    // (documents/derive-purposes.ts), so "profiling" stays undeclared.
    processors.rogue = await insertProcessor(stack, controllerId, "stripe", { legalBasis: "legitimate_interests", purpose: "profiling" });
    processors.legacy = await insertProcessor(stack, controllerId, "woocommerce", { legalBasis: "contract", purpose: "legacy" });
    processors.mail = await insertProcessor(stack, controllerId, "mailchimp", { legalBasis: "consent", purpose: "newsletter" });
    processors.survey = await insertProcessor(stack, controllerId, "survey-monkey", { legalBasis: "consent", purpose: "feedback" });
    processors.offers = await insertProcessor(stack, controllerId, "klaviyo", { legalBasis: "consent", purpose: "offers" });
    // A US opt-out notice covering offers: a new subject starts with offers GRANTED by default (privacy-domain.md 8.4).
    const usForm = randomUUID();
    await stack.query(
      `insert into public.consent_forms (id, controller_id, slug, name, version, status, regime, published_at) values ($1, $2, 'us-notice', 'US notice', 1, 'published', 'opt_out', now())`,
      [usForm, controllerId],
    );
    await stack.query(`insert into public.consent_categories (form_id, purpose_id, slug, title, is_required, default_granted) values ($1, $2, 'offers', 'Offers', false, false)`, [usForm, offers]);
    // What the organization's setup fires (default purposes and consent form, purposes derived from the
    // integrations, documents) has settled before any event, so every check sees the same declarations.
    await settleAllTriggers(stack);
  });
  afterAll(async () => {
    await close?.();
  });

  const settle = () => stack.waitFor(() => stack.settled(TRIGGERS));
  const activityOf = async (intakeId: string): Promise<ActivityRow> => {
    const rows = await stack.query<ActivityRow>("select id, intake_id, compliance_status, compliance_notes from public.data_processing_activities where intake_id = $1", [intakeId]);
    expect(rows).toHaveLength(1);
    return rows[0];
  };
  /** The compliance_status the trigger's payload carried for the activity, and what handlers answered. */
  const deliveriesOf = (activityId: string) =>
    stack.query<{ status: number; payload_status: string; outcome: string }>(
      `select l.status, l.request::jsonb #>> '{payload,event,data,new,compliance_status}' as payload_status, (l.response::jsonb #>> '{data,body}')::jsonb ->> 'outcome' as outcome
         from hdb_catalog.event_invocation_logs l where l.trigger_name = 'data_processing_activities_insert'
          and l.request::jsonb #>> '{payload,event,data,new,id}' = $1`,
      [activityId],
    );
  /**
   * Each intake's activity carries the expected status and notes, was inserted
   * with them (the trigger's payload said so) and the trigger answered
   * already_checked; resolves with the activities.
   */
  const expectCheckedAtIntake = async (expected: readonly [intakeId: string, status: string, notes: string][]): Promise<ActivityRow[]> => {
    const activities: ActivityRow[] = [];
    for (const [intakeId, status, notes] of expected) {
      const activity = await activityOf(intakeId);
      expect({ status: activity.compliance_status, notes: activity.compliance_notes }).toEqual({ status, notes });
      expect(await deliveriesOf(activity.id)).toEqual([{ status: 200, payload_status: status, outcome: "already_checked" }]);
      activities.push(activity);
    }
    return activities;
  };
  /**
   * The same facts inserted `pending` by another path (a twin row per
   * activity): the trigger checks each as before, with one read and one
   * write, and reaches the status and notes the intake stored.
   */
  const expectTriggerAgrees = async (activities: readonly ActivityRow[]): Promise<void> => {
    const before = proxy.calls.length;
    for (const activity of activities) {
      await stack.query(
        `insert into public.data_processing_activities (controller_id, data_subject_id, data_processor_id, purpose_id, event_type, pii_field_types, legal_basis, purpose, triggered_at, dedup_key)
         select controller_id, data_subject_id, data_processor_id, purpose_id, event_type, pii_field_types, legal_basis, purpose, triggered_at, 'twin:' || id from public.data_processing_activities where id = $1`,
        [activity.id],
      );
    }
    await settle();
    const twins = await stack.query<{ original: string; compliance_status: string; compliance_notes: string }>(
      "select substr(dedup_key, 6) as original, compliance_status, compliance_notes from public.data_processing_activities where dedup_key = any($1)",
      [activities.map((a) => `twin:${a.id}`)],
    );
    expect(new Map(twins.map((t) => [t.original, { status: t.compliance_status, notes: t.compliance_notes }]))).toEqual(
      new Map(activities.map((a) => [a.id, { status: a.compliance_status, notes: a.compliance_notes }])),
    );
    expect({ find: proxy.count(FIND, before), set: proxy.count(SET, before) }).toEqual({ find: activities.length, set: activities.length });
  };
  const event = (person: string, processor: keyof typeof processors, eventType: string, extra: { type: "postal_address"; value: string }[] = []) =>
    insertIntake(stack, {
      controllerId,
      processorId: processors[processor],
      service: SERVICES[processor],
      eventType,
      platformEventId: `${processor}-${person}-${eventType}`,
      pii: [{ type: "email", value: `${person}@example.org` }, ...extra],
    });

  it("stores each activity already checked, with the status and notes the trigger computes for the same facts, and the trigger makes no GraphQL call for them", async () => {
    const first = await event("ann", "shop", "customers/create");
    await settle();
    const mark = proxy.calls.length;
    const [undeclaredField, mismatch, rogue, legacy] = await Promise.all([
      event("ann", "shop", "orders/create", [{ type: "postal_address", value: "1 main st" }]),
      event("ann", "mismatch", "contact.created"),
      event("ann", "rogue", "charge.succeeded"),
      event("ann", "legacy", "order.created"),
    ]);
    await settle();

    const expected: [string, string, string][] = [
      [first, "compliant", 'legal basis contract matches declared purpose "orders"'],
      [undeclaredField, "needs_review", "field types not declared for the integration: postal_address (Art. 5(1)(c), 30(1)(c))"],
      [mismatch, "needs_review", 'legal basis legitimate_interests differs from contract declared for purpose "orders" (Art. 6(1), 13(1)(c))'],
      [rogue, "non_compliant", 'purpose "profiling" is not declared by the controller (Art. 5(1)(b))'],
      [legacy, "non_compliant", 'purpose "legacy" is archived (Art. 5(1)(b))'],
    ];
    const activities = await expectCheckedAtIntake(expected);
    expect(proxy.count(FIND, mark) + proxy.count(SET, mark)).toBe(0);

    await expectTriggerAgrees(activities);
  });

  it("with consent as the basis, decides at intake from a stored value, a default denial still to come, or a purpose no form covers", async () => {
    // bob is new; the opt-in banner will give him a default denial, which reads as no value: decided at intake.
    const bobFirst = await event("bob", "mail", "subscribe");
    // carl (new through the shop) subscribes to the newsletter on the banner; ann withdraws.
    await event("carl", "shop", "customers/create");
    await settle();
    const recordChoice = async (person: string, granted: boolean) => {
      const [{ id: subjectId }] = await stack.query<{ id: string }>(
        "select distinct a.data_subject_id as id from public.data_processing_activities a join public.webhook_intake i on i.id = a.intake_id where i.platform_event_id = $1",
        [`shop-${person}-customers/create`],
      );
      const recordId = randomUUID();
      await stack.query(
        `insert into public.data_subject_consent_form_values (id, controller_id, form_id, data_subject_id, form_version, choices, mechanism) values ($1, $2, $3, $4, 1, $5, 'save_choices')`,
        [recordId, controllerId, formId, subjectId, JSON.stringify({ newsletter: granted ? "granted" : "denied" })],
      );
      await stack.query("update public.data_subject_preference_values set granted = $1, source_form_value_id = $2 where data_subject_id = $3 and purpose_id = $4", [granted, recordId, subjectId, newsletter]);
    };
    await recordChoice("carl", true);
    await recordChoice("ann", false);
    await settle();

    const [annMail, carlMail, bobSecond, annFeedback] = await Promise.all([
      event("ann", "mail", "send"),
      event("carl", "mail", "send"),
      event("bob", "mail", "send"),
      // No form covers feedback: no value will ever come from data_subjects_insert.
      event("ann", "survey", "response"),
    ]);
    await settle();
    const decided = await expectCheckedAtIntake([
      [bobFirst, "needs_review", "no recorded consent for the purpose (Art. 7(1))"],
      [annMail, "non_compliant", "consent for the purpose was denied or withdrawn (Art. 7(3))"],
      [carlMail, "compliant", 'legal basis consent matches declared purpose "newsletter"'],
      [bobSecond, "needs_review", "no recorded consent for the purpose (Art. 7(1))"],
      [annFeedback, "needs_review", "no recorded consent for the purpose (Art. 7(1))"],
    ]);
    await expectTriggerAgrees(decided);
  });

  it("leaves pending, for the trigger, a new subject's activity whose purpose an opt-out form will grant by default", async () => {
    const mark = proxy.calls.length;
    // Hold data_subjects_insert back once, so the trigger checks before the default grant exists (as it may in production).
    stack.failNext("data_subjects_insert", 1);
    const first = await event("erin", "offers", "profile.created");
    await stack.waitFor(async () => (await stack.query("select 1 from public.data_processing_activities a join public.webhook_intake i on i.id = a.intake_id where i.id = $1 and a.compliance_status <> 'pending'", [first])).length === 1);
    const firstActivity = await activityOf(first);
    expect(firstActivity).toMatchObject({ compliance_status: "needs_review", compliance_notes: "no recorded consent for the purpose (Art. 7(1))" });
    expect(await deliveriesOf(firstActivity.id)).toEqual([{ status: 200, payload_status: "pending", outcome: "checked" }]);
    expect({ find: proxy.count(FIND, mark), set: proxy.count(SET, mark) }).toEqual({ find: 1, set: 1 });

    // Once the default grant is stored, the same intake decides erin's next event itself, and differently:
    // exactly the case the intake must not guess.
    await settle();
    const second = await event("erin", "offers", "profile.updated");
    await settle();
    await expectCheckedAtIntake([[second, "compliant", 'legal basis consent matches declared purpose "offers"']]);
    expect({ find: proxy.count(FIND, mark), set: proxy.count(SET, mark) }).toEqual({ find: 1, set: 1 });
  });

  it("data_subjects_insert costs one query and one mutation per new subject", async () => {
    await settle();
    const subjects = await stack.query<{ n: string }>("select count(*) as n from public.data_subjects where controller_id = $1", [controllerId]);
    const delivered = await stack.query<{ n: string }>("select count(*) as n from hdb_catalog.event_log where trigger_name = 'data_subjects_insert' and delivered");
    expect(Number(subjects[0].n)).toBe(4);
    expect(Number(delivered[0].n)).toBe(4);
    expect({ find: proxy.count("FindSubjectContext"), initialize: proxy.count("InitializeDataSubject") }).toEqual({ find: 4, initialize: 4 });
  });

  const post = (payload: unknown) =>
    fetch(`${stack.handlersUrl}/events`, { method: "POST", headers: { "content-type": "application/json", "x-handlers-secret": HANDLERS_SECRET }, body: JSON.stringify(payload) });
  const envelope = (row: Record<string, unknown>) => ({
    id: randomUUID(),
    created_at: new Date().toISOString(),
    trigger: { name: "data_processing_activities_insert" },
    table: { schema: "public", name: "data_processing_activities" },
    delivery_info: { current_retry: 0, max_retries: 3 },
    event: { op: "INSERT", session_variables: { "x-hasura-role": "admin" }, data: { old: null, new: row } },
  });

  it("answers a non-pending payload with no GraphQL call, checks a pending one, and rejects an unknown status", async () => {
    await settle();
    const [{ row }] = await stack.query<{ row: Record<string, unknown> & { id: string; compliance_status: string } }>(
      "select row_to_json(a) as row from public.data_processing_activities a where controller_id = $1 and compliance_status = 'non_compliant' and intake_id is not null limit 1",
      [controllerId],
    );
    const before = proxy.calls.length;
    const checked = await post(envelope(row));
    expect({ status: checked.status, body: await checked.json() }).toEqual({ status: 200, body: { outcome: "already_checked", status: "non_compliant" } });
    expect(proxy.calls.slice(before)).toEqual([]);

    // A payload that still says pending (another path's row): the trigger reads the row, which a check already settled.
    const stale = await post(envelope({ ...row, compliance_status: "pending" }));
    expect({ status: stale.status, body: await stale.json() }).toEqual({ status: 200, body: { outcome: "already_checked", status: "non_compliant" } });
    expect(proxy.calls.slice(before)).toEqual([FIND]);

    const bad = await post(envelope({ ...row, compliance_status: "approved" }));
    expect(bad.status).toBe(400);
    expect(proxy.calls.slice(before)).toEqual([FIND]);
  });

  it("redelivering every event of the three triggers answers 200, writes no compliance status and changes nothing", async () => {
    await settle();
    const snapshot = async () => ({
      subjects: await stack.query("select id, did, status, merged_into, last_seen_at from public.data_subjects where controller_id = $1 order by id", [controllerId]),
      activities: await stack.query("select id, data_subject_id, compliance_status, compliance_notes, dedup_key from public.data_processing_activities where controller_id = $1 order by id", [controllerId]),
      preferences: await stack.query("select id, data_subject_id, purpose_id, granted, source_form_value_id, updated_at from public.data_subject_preference_values where controller_id = $1 order by id", [controllerId]),
      intake: await stack.query("select id, status, processed_at from public.webhook_intake where controller_id = $1 order by id", [controllerId]),
    });
    const before = await snapshot();
    const mark = proxy.calls.length;
    const pendingPayloads = await stack.query<{ n: string }>(
      `select count(distinct event_id) as n from hdb_catalog.event_invocation_logs
        where trigger_name = 'data_processing_activities_insert' and status between 200 and 299 and request::jsonb #>> '{payload,event,data,new,compliance_status}' = 'pending'`,
    );
    for (const trigger of TRIGGERS) {
      const statuses = await stack.redeliver(trigger);
      expect(statuses.length).toBeGreaterThan(0);
      expect(new Set(statuses)).toEqual(new Set([200]));
    }
    expect(await snapshot()).toEqual(before);
    // Only the payloads that said pending cost a read, and none a write.
    expect({ find: proxy.count(FIND, mark), set: proxy.count(SET, mark) }).toEqual({ find: Number(pendingPayloads[0].n), set: 0 });
  });
});
