/**
 * sweep_stranded_intake through the real stack: intake rows whose event
 * trigger used up its retries (the engine's own retry loop) or whose event was
 * lost (no event row) are processed by the sweeper with the trigger's code; a
 * row that keeps failing is marked failed after its attempts; a second sweep
 * changes nothing; and a late trigger delivery processing the same rows at
 * the same moment as the sweeper leaves exactly one activity and one subject.
 */
import { randomUUID } from "node:crypto";
import { createCronHandlers } from "../../src/crons";
import type { SweepResult } from "../../src/intake/sweep-stranded-intake";
import { HANDLERS_SECRET, startStack, type Stack } from "../helpers/stack";
import { hashFor, insertController, insertIntake, insertProcessor, insertPurpose, type IntakeInput } from "../helpers/seed";

const AGE_MS = 10 * 60_000;
const MAX_ATTEMPTS = 3;
const INTAKE_TRIGGERS = ["webhook_intake_insert", "data_subjects_insert", "data_processing_activities_insert"];

async function sweep(stack: Stack): Promise<SweepResult> {
  const res = await fetch(`${stack.handlersUrl}/crons/sweep_stranded_intake`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-handlers-secret": HANDLERS_SECRET },
    body: JSON.stringify({ id: randomUUID(), name: "sweep_stranded_intake", scheduled_time: stack.clock.now.toISOString(), payload: {} }),
  });
  const body: unknown = await res.json();
  if (res.status !== 200) throw new Error(`sweep answered ${res.status}: ${JSON.stringify(body)}`);
  return body as SweepResult;
}

/** Moves the handlers' clock past the sweep age of everything stored so far (and of the previous sweep). */
function advancePastAge(stack: Stack): void {
  const base = Math.max(Date.now(), stack.clock.now.getTime());
  stack.clock.now = new Date(base + AGE_MS + 1_000);
}

async function intakeRow(stack: Stack, id: string) {
  const rows = await stack.query<{ status: string; attempts: number; last_error: string | null; processed: boolean }>(
    "select status, attempts, last_error, processed_at is not null as processed from public.webhook_intake where id = $1",
    [id],
  );
  return rows[0];
}

const nothing: SweepResult = { found: 0, claimed: 0, skipped: 0, recorded: 0, alreadyProcessed: 0, retrying: 0, failed: 0, deferred: 0 };

describe("sweep_stranded_intake", () => {
  let stack: Stack;
  let controllerId: string;
  let shop: string;

  beforeAll(async () => {
    stack = await startStack({
      crons: (services) =>
        createCronHandlers({
          ...services,
          resolveTxt: () => Promise.resolve({ kind: "missing", code: "ENOTFOUND" }),
          intakeSweep: { minAgeMs: AGE_MS, batchSize: 50, maxAttempts: MAX_ATTEMPTS },
        }),
    });
    controllerId = await insertController(stack);
    await insertPurpose(stack, controllerId, "orders", "contract");
    shop = await insertProcessor(stack, controllerId, "shopify", { legalBasis: "contract", purpose: "orders" });
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  /** Inserts an intake row with its event trigger disabled: the event is lost, as after a crash between commit and event capture. */
  async function insertWithoutEvent(input: IntakeInput): Promise<string> {
    await stack.query('alter table public.webhook_intake disable trigger "notify_hasura_webhook_intake_insert_INSERT"');
    try {
      return await insertIntake(stack, input);
    } finally {
      await stack.query('alter table public.webhook_intake enable trigger "notify_hasura_webhook_intake_insert_INSERT"');
    }
  }

  const person = (n: string): IntakeInput["pii"] => [{ type: "email", value: `${n}@example.org` }, { type: "customer_id", value: `shopify:s:${n}` }];

  it("a row whose event trigger used up its retries is processed by the sweep, once; a second sweep finds nothing", async () => {
    stack.failNext("webhook_intake_insert", 4);
    const id = await insertIntake(stack, { controllerId, processorId: shop, service: "shopify", eventType: "customers/create", platformEventId: "strand-1", pii: person("ada") });
    // The engine tries 1 + num_retries (3) times, then gives up (error = true).
    await stack.waitFor(async () => {
      await stack.retryNow();
      const rows = await stack.query<{ error: boolean; tries: number }>("select error, tries from hdb_catalog.event_log where trigger_name = 'webhook_intake_insert' and payload -> 'data' -> 'new' ->> 'id' = $1", [id]);
      return rows[0]?.error === true;
    });
    expect(await stack.query("select tries from hdb_catalog.event_log where trigger_name = 'webhook_intake_insert' and payload -> 'data' -> 'new' ->> 'id' = $1", [id])).toEqual([{ tries: 4 }]);
    expect(await intakeRow(stack, id)).toEqual({ status: "pending", attempts: 0, last_error: null, processed: false });

    // Not yet old enough: the sweep leaves it to the trigger.
    stack.clock.now = new Date(Date.now());
    expect(await sweep(stack)).toEqual(nothing);

    advancePastAge(stack);
    expect(await sweep(stack)).toEqual({ ...nothing, found: 1, claimed: 1, recorded: 1 });
    expect(await intakeRow(stack, id)).toEqual({ status: "processed", attempts: 1, last_error: null, processed: true });
    const activities = await stack.query<{ dedup_key: string; data_subject_id: string; legal_basis: string }>(
      "select dedup_key, data_subject_id, legal_basis from public.data_processing_activities where intake_id = $1",
      [id],
    );
    expect(activities.map((a) => [a.dedup_key, a.legal_basis])).toEqual([["shopify:strand-1", "contract"]]);
    expect(await stack.query("select data_subject_id from public.privacy_preserving_links where controller_id = $1 and identifier_hash = $2", [controllerId, hashFor(controllerId, "email", "ada@example.org")]))
      .toEqual([{ data_subject_id: activities[0].data_subject_id }]);

    // Running again (a redelivered tick, or the next one): no second effect.
    expect(await sweep(stack)).toEqual(nothing);
    advancePastAge(stack);
    expect(await sweep(stack)).toEqual(nothing);
    expect(await stack.query("select count(*)::int as n from public.data_processing_activities where intake_id = $1", [id])).toEqual([{ n: 1 }]);
    expect(await stack.query("select count(*)::int as n from public.data_subjects where controller_id = $1", [controllerId])).toEqual([{ n: 1 }]);
  });

  it("a row whose event was lost is processed by the sweep and attached to the person it names", async () => {
    const known = await stack.query<{ data_subject_id: string }>("select data_subject_id from public.privacy_preserving_links where controller_id = $1 and identifier_hash = $2", [
      controllerId,
      hashFor(controllerId, "email", "ada@example.org"),
    ]);
    const id = await insertWithoutEvent({ controllerId, processorId: shop, service: "shopify", eventType: "orders/create", platformEventId: "lost-1", pii: [{ type: "email", value: "ada@example.org" }] });
    expect(await stack.query("select count(*)::int as n from hdb_catalog.event_log where payload -> 'data' -> 'new' ->> 'id' = $1", [id])).toEqual([{ n: 0 }]);
    advancePastAge(stack);
    expect(await sweep(stack)).toEqual({ ...nothing, found: 1, claimed: 1, recorded: 1 });
    expect(await stack.query("select dedup_key, data_subject_id from public.data_processing_activities where intake_id = $1", [id])).toEqual([
      { dedup_key: "shopify:lost-1", data_subject_id: known[0].data_subject_id },
    ]);
    expect(await intakeRow(stack, id)).toEqual({ status: "processed", attempts: 1, last_error: null, processed: true });
  });

  it("a row that keeps failing is retried once per sweep age, then marked failed with the reason and left alone", async () => {
    // A real failure in the database on every attempt: the activity insert raises.
    await stack.query(`create function public.test_reject_poison() returns trigger language plpgsql as $$
      begin if new.event_type = 'poison/test' then raise exception 'activity rejected by the test'; end if; return new; end $$`);
    await stack.query("create trigger test_reject_poison before insert on public.data_processing_activities for each row execute function public.test_reject_poison()");
    try {
      const id = await insertWithoutEvent({ controllerId, processorId: shop, service: "shopify", eventType: "poison/test", platformEventId: "poison-1", pii: person("bob") });
      advancePastAge(stack);
      expect(await sweep(stack)).toEqual({ ...nothing, found: 1, claimed: 1, retrying: 1 });
      const first = await intakeRow(stack, id);
      expect(first).toMatchObject({ status: "pending", attempts: 1, processed: false });
      expect(first.last_error).toMatch(/^\[handlers\/graphql\] RecordIntakeWithNewSubject failed: database query error$/);
      // Within the sweep age of the last attempt: not taken again.
      expect(await sweep(stack)).toEqual(nothing);

      advancePastAge(stack);
      expect(await sweep(stack)).toEqual({ ...nothing, found: 1, claimed: 1, retrying: 1 });
      advancePastAge(stack);
      expect(await sweep(stack)).toEqual({ ...nothing, found: 1, claimed: 1, failed: 1 });
      const last = await intakeRow(stack, id);
      expect(last).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS, processed: false });
      expect(last.last_error).toMatch(/^gave up after 3 sweep attempts: \[handlers\/graphql\] RecordIntakeWithNewSubject failed: database query error$/);

      advancePastAge(stack);
      expect(await sweep(stack)).toEqual(nothing);
      expect(await intakeRow(stack, id)).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS });
      // Nothing half-written: no activity, no subject, no link for the failed row's person.
      expect(await stack.query("select count(*)::int as n from public.data_processing_activities where intake_id = $1", [id])).toEqual([{ n: 0 }]);
      expect(await stack.query("select count(*)::int as n from public.privacy_preserving_links where controller_id = $1 and identifier_hash = $2", [controllerId, hashFor(controllerId, "email", "bob@example.org")]))
        .toEqual([{ n: 0 }]);
    } finally {
      await stack.query("drop trigger test_reject_poison on public.data_processing_activities");
      await stack.query("drop function public.test_reject_poison()");
    }
  });

  it("the trigger's delivery and the sweep processing the same rows at the same moment leave one activity each and one subject per person", async () => {
    await stack.waitFor(() => stack.settled(INTAKE_TRIGGERS));
    const subjectsBefore = await stack.query<{ n: number }>("select count(*)::int as n from public.data_subjects where controller_id = $1", [controllerId]);
    // Hold every activity insert until both paths are inside their write:
    // share row exclusive lets the reads through and blocks inserts.
    const blocker = await stack.pool.connect();
    const waiting = async () =>
      Number((await stack.query<{ n: string }>("select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'"))[0].n);
    let sweepDone: Promise<SweepResult> | undefined;
    const ids: string[] = [];
    try {
      await blocker.query("begin");
      await blocker.query("lock table public.data_processing_activities in share row exclusive mode");
      // A new person (both paths create a subject) and a known one (both attach to it).
      ids.push(await insertIntake(stack, { controllerId, processorId: shop, service: "shopify", eventType: "customers/create", platformEventId: "race-new", pii: person("cyd") }));
      ids.push(await insertIntake(stack, { controllerId, processorId: shop, service: "shopify", eventType: "orders/paid", platformEventId: "race-known", pii: person("ada") }));
      await stack.waitFor(async () => (await waiting()) >= 2);
      advancePastAge(stack);
      sweepDone = sweep(stack);
      await stack.waitFor(async () => (await waiting()) >= 4);
    } finally {
      await blocker.query("commit");
      blocker.release();
    }
    const result = await sweepDone;
    expect(result).toMatchObject({ found: 2, claimed: 2, recorded: 2, failed: 0, retrying: 0 });
    for (const id of ids) await stack.waitFor(async () => (await intakeRow(stack, id)).status === "processed");
    await stack.waitFor(() => stack.settled(INTAKE_TRIGGERS));

    expect(await stack.query("select dedup_key, count(*)::int as n from public.data_processing_activities where intake_id = any($1) group by dedup_key order by dedup_key", [ids])).toEqual([
      { dedup_key: "shopify:race-known", n: 1 },
      { dedup_key: "shopify:race-new", n: 1 },
    ]);
    // One new subject for the new person, owning both of its links; the known person kept theirs.
    expect(await stack.query("select count(*)::int as n from public.data_subjects where controller_id = $1", [controllerId])).toEqual([{ n: subjectsBefore[0].n + 1 }]);
    const owners = await stack.query<{ identifier_hash: string; data_subject_id: string }>(
      "select identifier_hash, data_subject_id from public.privacy_preserving_links where controller_id = $1 and identifier_hash = any($2)",
      [controllerId, [hashFor(controllerId, "email", "cyd@example.org"), hashFor(controllerId, "customer_id", "shopify:s:cyd")]],
    );
    expect(owners).toHaveLength(2);
    expect(new Set(owners.map((o) => o.data_subject_id)).size).toBe(1);
    expect(await stack.query("select data_subject_id from public.data_processing_activities where dedup_key = 'shopify:race-new'")).toEqual([{ data_subject_id: owners[0].data_subject_id }]);
    expect(await stack.query(
      "select count(*)::int as n from public.data_subjects s where s.controller_id = $1 and not exists (select 1 from public.privacy_preserving_links l where l.data_subject_id = s.id)",
      [controllerId],
    )).toEqual([{ n: 0 }]);
  });
});
