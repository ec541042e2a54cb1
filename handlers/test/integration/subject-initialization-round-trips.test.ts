import { randomUUID } from "node:crypto";
import { settleAllTriggers, startStackBehindProxy, type GraphqlProxy } from "../helpers/graphql-proxy";
import { hashFor, insertController, insertIntake, insertProcessor, insertPurpose } from "../helpers/seed";
import type { Stack } from "../helpers/stack";

const TRIGGERS = ["webhook_intake_insert", "data_subjects_insert", "data_processing_activities_insert"];

/**
 * data_subjects_insert's round trips, counted by a proxy in front of the
 * engine (real HTTP): one read, and the write only when it has something to do.
 */
describe("data_subjects_insert round trips", () => {
  let stack: Stack;
  let proxy: GraphqlProxy;
  let close: (() => Promise<void>) | undefined;
  let controllerId: string;
  let shop: string;

  beforeAll(async () => {
    ({ stack, proxy, close } = await startStackBehindProxy());
    // No DID generation, no consent collection, and only a draft form: a new subject needs no consent defaults.
    controllerId = await insertController(stack);
    const purposeId = await insertPurpose(stack, controllerId, "orders", "contract");
    const formId = randomUUID();
    await stack.query(`insert into public.consent_forms (id, controller_id, slug, name, version, status, regime) values ($1, $2, 'draft', 'Draft', 1, 'draft', 'opt_in')`, [formId, controllerId]);
    await stack.query(`insert into public.consent_categories (form_id, purpose_id, slug, title, is_required, default_granted) values ($1, $2, 'orders', 'Orders', false, false)`, [formId, purposeId]);
    shop = await insertProcessor(stack, controllerId, "shopify", { legalBasis: "contract", purpose: "orders" });
    await settleAllTriggers(stack);
  });
  afterAll(async () => {
    await close?.();
  });

  const settle = () => stack.waitFor(() => stack.settled(TRIGGERS));
  const subjectOf = async (email: string): Promise<string> => {
    const rows = await stack.query<{ id: string }>("select data_subject_id as id from public.privacy_preserving_links where identifier_hash = $1", [hashFor(controllerId, "email", email)]);
    expect(rows).toHaveLength(1);
    return rows[0].id;
  };
  const answersFor = (subjectId: string) =>
    stack.query<{ body: Record<string, unknown> }>(
      `select (l.response::jsonb #>> '{data,body}')::jsonb as body from hdb_catalog.event_invocation_logs l
        where l.trigger_name = 'data_subjects_insert' and l.request::jsonb #>> '{payload,event,data,new,id}' = $1`,
      [subjectId],
    );
  const calls = (from: number) => proxy.calls.slice(from).filter((c) => c === "FindSubjectContext" || c === "InitializeDataSubject");

  it("with nothing to write (no did:key, no published form, no collection, no activity to attribute) reads once and writes nothing", async () => {
    const mark = proxy.calls.length;
    await insertIntake(stack, { controllerId, processorId: shop, service: "shopify", eventType: "customers/create", platformEventId: "c-ann", pii: [{ type: "email", value: "ann@example.org" }] });
    await settle();
    const ann = await subjectOf("ann@example.org");
    expect(calls(mark)).toEqual(["FindSubjectContext"]);
    expect(await answersFor(ann)).toEqual([{ body: { outcome: "initialized", didAssigned: false, preferencesCreated: 0, activitiesLinked: 0, consentCollectionQueued: false } }]);
    expect(await stack.query("select count(*)::int as n from public.data_subject_preference_values where data_subject_id = $1", [ann])).toEqual([{ n: 0 }]);
  });

  it("with an activity without a subject whose intake carried the identifier, writes once and attributes it", async () => {
    // An intake row already processed and its activity left without a subject (as another path may leave one).
    const orphanIntake = randomUUID();
    const hash = hashFor(controllerId, "email", "bea@example.org");
    await stack.query(
      `insert into public.webhook_intake (id, controller_id, data_processor_id, service, event_type, platform_event_id, content_key, pii, field_types, triggered_at, status, processed_at)
       values ($1, $2, $3, 'shopify', 'orders/create', 'o-bea', $4, $5, '{email}', '2026-02-01T09:00:00Z', 'processed', now())`,
      [orphanIntake, controllerId, shop, randomUUID().replace(/-/g, "").padEnd(64, "0"), JSON.stringify([{ type: "email", hash, path: "$.email", keyVersion: 1 }])],
    );
    await stack.query(
      `insert into public.data_processing_activities (controller_id, data_subject_id, data_processor_id, intake_id, event_type, pii_field_types, legal_basis, purpose, triggered_at, dedup_key, compliance_status, compliance_notes)
       values ($1, null, $2, $3, 'orders/create', '{email}', 'contract', 'orders', '2026-02-01T09:00:00Z', 'shopify:o-bea', 'compliant', 'checked')`,
      [controllerId, shop, orphanIntake],
    );
    await settle();
    const mark = proxy.calls.length;
    await insertIntake(stack, { controllerId, processorId: shop, service: "shopify", eventType: "customers/create", platformEventId: "c-bea", pii: [{ type: "email", value: "bea@example.org" }] });
    await settle();
    const bea = await subjectOf("bea@example.org");
    expect(calls(mark)).toEqual(["FindSubjectContext", "InitializeDataSubject"]);
    expect(await answersFor(bea)).toEqual([{ body: { outcome: "initialized", didAssigned: false, preferencesCreated: 0, activitiesLinked: 1, consentCollectionQueued: false } }]);
    expect(await stack.query("select data_subject_id from public.data_processing_activities where intake_id = $1", [orphanIntake])).toEqual([{ data_subject_id: bea }]);
  });

  it("redelivered, changes nothing and, with nothing left to attribute, costs one read per subject", async () => {
    const snapshot = async () => ({
      subjects: await stack.query("select id, did, status, updated_at from public.data_subjects where controller_id = $1 order by id", [controllerId]),
      activities: await stack.query("select id, data_subject_id from public.data_processing_activities where controller_id = $1 order by id", [controllerId]),
      preferences: await stack.query("select id from public.data_subject_preference_values where controller_id = $1", [controllerId]),
      scheduled: await stack.query("select id from public.scheduled_events where controller_id = $1", [controllerId]),
    });
    const before = await snapshot();
    const mark = proxy.calls.length;
    expect(await stack.redeliver("data_subjects_insert")).toEqual([200, 200]);
    expect(calls(mark)).toEqual(["FindSubjectContext", "FindSubjectContext"]);
    expect(await snapshot()).toEqual(before);
  });
});
