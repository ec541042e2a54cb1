/**
 * consolidate_data_subjects through the real stack: merge groups left by
 * intake (chains, a cycle, consent state on both sides) are flattened onto
 * the oldest subject with every row moved; a second run changes nothing; and
 * webhooks processed by the real intake while consolidation runs lose no
 * activity.
 */
import { randomUUID } from "node:crypto";
import { consolidateDataSubjects } from "../../src/consolidation/consolidate-data-subjects";
import { createCronHandlers } from "../../src/crons";
import { HANDLERS_SECRET, startStack, type Stack } from "../helpers/stack";
import { hashFor, insertController, insertIntake, insertProcessor, insertPurpose } from "../helpers/seed";

async function tick(stack: Stack): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${stack.handlersUrl}/crons/consolidate_data_subjects`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-handlers-secret": HANDLERS_SECRET },
    body: JSON.stringify({ id: randomUUID(), name: "consolidate_data_subjects", scheduled_time: stack.clock.now.toISOString(), payload: {} }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const NOTHING = {
  groups: 0,
  subjectsMerged: 0,
  survivorsRevived: 0,
  batches: 0,
  deferredBatches: 0,
  moved: { links: 0, activities: 0, requests: 0, syncJobs: 0, preferences: 0 },
  preferencesDropped: 0,
};

describe("consolidate_data_subjects", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ crons: (services) => createCronHandlers({ ...services, resolveTxt: () => Promise.resolve({ kind: "missing", code: "ENOTFOUND" }) }) });
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  it("flattens chains and cycles onto the oldest subject, moves links, activities, requests and consent state, and is a no-op the second time", async () => {
    const controllerId = await insertController(stack, { title: "Isle Tea" });
    const purpose = await insertPurpose(stack, controllerId, "newsletter", "consent");
    const subject = async (daysAgo: number): Promise<string> => {
      const id = randomUUID();
      const at = new Date(stack.clock.now.getTime() - daysAgo * 86_400_000);
      await stack.query("insert into public.data_subjects (id, controller_id, created_at, first_seen_at, last_seen_at) values ($1, $2, $3, $3, $3)", [id, controllerId, at]);
      return id;
    };
    const merge = async (id: string, into: string, type: string): Promise<void> => {
      await stack.query("update public.data_subjects set merged_into = $2, merged_at = now(), status = 'merged', merge_identifier_type = $3 where id = $1", [id, into, type]);
    };
    const link = async (subjectId: string, value: string): Promise<void> => {
      await stack.query("insert into public.privacy_preserving_links (controller_id, data_subject_id, identifier_type, identifier_hash) values ($1, $2, 'email', $3)", [
        controllerId,
        subjectId,
        hashFor(controllerId, "email", value),
      ]);
    };
    const activity = async (subjectId: string): Promise<void> => {
      await stack.query(
        "insert into public.data_processing_activities (controller_id, data_subject_id, event_type, legal_basis, triggered_at, dedup_key) values ($1, $2, 'test', 'contract', now(), $3)",
        [controllerId, subjectId, `test:${randomUUID()}`],
      );
    };
    const preference = async (subjectId: string, granted: boolean, daysAgo: number): Promise<void> => {
      const at = new Date(stack.clock.now.getTime() - daysAgo * 86_400_000);
      await stack.query(
        "insert into public.data_subject_preference_values (controller_id, data_subject_id, purpose_id, granted, created_at, updated_at) values ($1, $2, $3, $4, $5, $5)",
        [controllerId, subjectId, purpose, granted, at],
      );
    };

    // Group 1: intake made C the survivor and chained B onto A onto C; A is the oldest.
    const a = await subject(30);
    const b = await subject(20);
    const c = await subject(10);
    await merge(a, c, "email");
    await merge(b, a, "customer_id");
    for (const [s, v] of [[a, "a@isle.test"], [b, "b@isle.test"], [c, "c@isle.test"]] as const) {
      await link(s, v);
      await activity(s);
    }
    await activity(c);
    // Consent: A granted 5 days ago, C withdrew 1 day ago: the withdrawal wins on the survivor.
    await preference(a, true, 5);
    await preference(c, false, 1);
    const request = randomUUID();
    await stack.query("insert into public.data_subject_rights_requests (id, controller_id, data_subject_id, request_type, received_at, due_at) values ($1, $2, $3, 'access', $4, $5)", [
      request,
      controllerId,
      b,
      stack.clock.now,
      new Date(stack.clock.now.getTime() + 30 * 86_400_000),
    ]);
    // Group 2: a cycle left by two concurrent merges; E is older.
    const d = await subject(3);
    const e = await subject(4);
    await merge(d, e, "email");
    await merge(e, d, "email");
    await link(d, "d@isle.test");
    // Not merged with anyone: untouched.
    const loner = await subject(50);
    await link(loner, "loner@isle.test");

    const first = await tick(stack);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      groups: 2,
      subjectsMerged: 1,
      survivorsRevived: 2,
      batches: 1,
      deferredBatches: 0,
      moved: { links: 3, activities: 3, requests: 1, syncJobs: 0, preferences: 0 },
      preferencesDropped: 1,
    });

    const subjects = await stack.query<{ id: string; status: string; merged_into: string | null; merged_at: Date | null; merge_identifier_type: string | null }>(
      "select id, status, merged_into, merged_at, merge_identifier_type from public.data_subjects where controller_id = $1",
      [controllerId],
    );
    const byId = new Map(subjects.map((s) => [s.id, s]));
    expect(byId.get(a)).toMatchObject({ status: "active", merged_into: null, merged_at: null, merge_identifier_type: null });
    expect(byId.get(b)).toMatchObject({ status: "merged", merged_into: a, merge_identifier_type: "customer_id" });
    expect(byId.get(c)).toMatchObject({ status: "merged", merged_into: a, merge_identifier_type: "email" });
    expect(byId.get(c)?.merged_at?.toISOString()).toBe(stack.clock.now.toISOString());
    expect(byId.get(e)).toMatchObject({ status: "active", merged_into: null });
    expect(byId.get(d)).toMatchObject({ status: "merged", merged_into: e });
    expect(byId.get(loner)).toMatchObject({ status: "active", merged_into: null });

    const owners = await stack.query<{ data_subject_id: string; n: string }>(
      "select data_subject_id, count(*) as n from public.privacy_preserving_links where controller_id = $1 group by 1 order by 2 desc, 1",
      [controllerId],
    );
    expect(Object.fromEntries(owners.map((o) => [o.data_subject_id, Number(o.n)]))).toEqual({ [a]: 3, [e]: 1, [loner]: 1 });
    const activities = await stack.query<{ data_subject_id: string; n: string }>("select data_subject_id, count(*) as n from public.data_processing_activities where controller_id = $1 group by 1", [controllerId]);
    expect(activities.map((r) => [r.data_subject_id, Number(r.n)])).toEqual([[a, 4]]);
    expect((await stack.query<{ data_subject_id: string }>("select data_subject_id from public.data_subject_rights_requests where id = $1", [request]))[0].data_subject_id).toBe(a);
    const prefs = await stack.query<{ data_subject_id: string; granted: boolean }>("select data_subject_id, granted from public.data_subject_preference_values where purpose_id = $1", [purpose]);
    expect(prefs).toEqual([{ data_subject_id: a, granted: false }]);

    const second = await tick(stack);
    expect(second.body).toEqual(NOTHING);
    const after = await stack.query<{ id: string; merged_into: string | null }>("select id, merged_into from public.data_subjects where controller_id = $1", [controllerId]);
    expect(new Map(after.map((s) => [s.id, s.merged_into]))).toEqual(new Map(subjects.map((s) => [s.id, s.merged_into])));
  }, 60_000);

  it("defers the batches left when its time budget runs out, and the next run does them", async () => {
    const controllerId = await insertController(stack, { title: "Kelp Co" });
    const [older, newer] = [randomUUID(), randomUUID()];
    await stack.query("insert into public.data_subjects (id, controller_id, created_at, first_seen_at, last_seen_at) values ($1, $3, '2026-01-01', '2026-01-01', '2026-01-01'), ($2, $3, '2026-01-02', '2026-01-02', '2026-01-02')", [older, newer, controllerId]);
    await stack.query("update public.data_subjects set merged_into = $2, merged_at = now(), status = 'merged', merge_identifier_type = 'email' where id = $1", [newer, older]);
    await stack.query("insert into public.data_processing_activities (controller_id, data_subject_id, event_type, legal_basis, triggered_at, dedup_key) values ($1, $2, 'test', 'contract', now(), $3)", [controllerId, newer, `test:${randomUUID()}`]);

    const deferred = await consolidateDataSubjects({ sdk: stack.sdk, logger: stack.logger, now: () => stack.clock.now }, { budgetMs: 0 });
    expect(deferred).toMatchObject({ groups: 1, batches: 0, deferredBatches: 1, moved: { activities: 0 } });
    expect((await tick(stack)).body).toMatchObject({ groups: 1, batches: 1, deferredBatches: 0, moved: { activities: 1 } });
    expect((await stack.query<{ data_subject_id: string }>("select data_subject_id from public.data_processing_activities where controller_id = $1", [controllerId]))).toEqual([{ data_subject_id: older }]);
  }, 60_000);

  it("loses no activity when intake keeps processing webhooks for the merged person while consolidation runs", async () => {
    const controllerId = await insertController(stack, { title: "Jetty Gear" });
    await insertPurpose(stack, controllerId, "order_fulfilment", "contract");
    const shop = await insertProcessor(stack, controllerId, "shopify", { legalBasis: "contract", purpose: "order_fulfilment" });
    const processed = async (ids: readonly string[]): Promise<boolean> =>
      Number((await stack.query<{ n: string }>("select count(*) as n from public.webhook_intake where id = any($1) and status = 'processed'", [ids]))[0].n) === ids.length;
    const order = (n: number, pii: { type: "email" | "customer_id"; value: string }[]) =>
      insertIntake(stack, { controllerId, processorId: shop, service: "shopify", eventType: "orders/create", platformEventId: `order-${n}`, pii });

    // One person seen first by e-mail, then by customer id, then by both: intake merges the two subjects.
    const setup = [await order(1, [{ type: "email", value: "kim@jetty.test" }])];
    await stack.waitFor(() => processed(setup));
    setup.push(await order(2, [{ type: "customer_id", value: "shopify:jetty:42" }]));
    await stack.waitFor(() => processed(setup));
    setup.push(await order(3, [{ type: "email", value: "kim@jetty.test" }, { type: "customer_id", value: "shopify:jetty:42" }]));
    await stack.waitFor(() => processed(setup));
    const merged = await stack.query<{ id: string; merged_into: string | null }>("select id, merged_into from public.data_subjects where controller_id = $1 order by created_at, id", [controllerId]);
    expect(merged).toHaveLength(2);
    expect(merged.filter((s) => s.merged_into !== null)).toHaveLength(1);

    // Webhooks keep coming (by either identifier) while two consolidation runs overlap.
    const more: Promise<string>[] = [];
    for (let n = 10; n < 40; n += 1) more.push(order(n, [n % 2 === 0 ? { type: "customer_id", value: "shopify:jetty:42" } : { type: "email", value: "kim@jetty.test" }]));
    const runs = await Promise.all([tick(stack), tick(stack), ...more.slice(0, 10)]);
    expect(runs[0].status).toBe(200);
    expect(runs[1].status).toBe(200);
    const all = [...setup, ...(await Promise.all(more))];
    await stack.waitFor(() => processed(all), 30_000);
    await tick(stack);

    const subjects = await stack.query<{ id: string; merged_into: string | null; status: string }>("select id, merged_into, status from public.data_subjects where controller_id = $1", [controllerId]);
    const survivor = subjects.find((s) => s.merged_into === null);
    expect(survivor?.status).toBe("active");
    expect(subjects.filter((s) => s.merged_into !== null).every((s) => s.merged_into === survivor?.id)).toBe(true);
    const activities = await stack.query<{ data_subject_id: string | null; n: string }>("select data_subject_id, count(*) as n from public.data_processing_activities where controller_id = $1 group by 1", [controllerId]);
    expect(activities.map((r) => [r.data_subject_id, Number(r.n)])).toEqual([[survivor?.id, 33]]);
    const links = await stack.query<{ data_subject_id: string }>("select distinct data_subject_id from public.privacy_preserving_links where controller_id = $1", [controllerId]);
    expect(links).toEqual([{ data_subject_id: survivor?.id }]);
    expect((await tick(stack)).body).toEqual(NOTHING);
  }, 90_000);
});
