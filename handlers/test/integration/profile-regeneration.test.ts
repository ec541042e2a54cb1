/**
 * A profile edit reaches the documents, end to end through the real stack:
 * an owner edits the organization's profile through the engine's GraphQL API
 * (role user), the engine delivers data_controller_details_update, the
 * handler queues regenerate_documents and regenerate_purposes, and the
 * process_scheduled_events cron runs them: a new privacy-notice version shows
 * the edit while the old version stays exactly as it was. Running the cron
 * again, or redelivering the update, stores no second version.
 */
import { createCronHandlers } from "../../src/crons";
import { runCron } from "../helpers/cron";
import { insertController, insertUser } from "../helpers/seed";
import { ADMIN_SECRET, startStack, type Stack } from "../helpers/stack";

const TRIGGERS = ["data_controllers_insert", "generate_v0_profile", "generate_controller_documents", "generate_controller_purposes", "data_controller_details_update", "scheduled_events_insert"];

interface DocRow extends Record<string, unknown> {
  id: string;
  document_type: string;
  version: number;
  content: string;
  generated_at: Date;
  source: { trigger: string; profileVersion: number; purposes: Record<string, number> };
}

describe("profile edit -> data_controller_details_update -> regeneration jobs -> process_scheduled_events", () => {
  let stack: Stack;

  const settle = () => stack.waitFor(() => stack.settled(TRIGGERS), 30_000);
  const docs = (controllerId: string, type: string) =>
    stack.query<DocRow>("select id, document_type, version, content, generated_at, source from public.generated_documents where controller_id = $1 and document_type = $2 order by version", [controllerId, type]);
  const jobs = (controllerId: string) =>
    stack.query<{ reference: string; is_active: boolean; last_event_at: Date | null; payload: Record<string, unknown> }>(
      "select reference, is_active, last_event_at, payload from public.scheduled_events where controller_id = $1 and reference like 'regenerate_%' order by reference, created_at",
      [controllerId],
    );
  async function tick(): Promise<Record<string, unknown>> {
    const { status, body } = await runCron(stack, "process_scheduled_events");
    expect(status).toBe(200);
    return body;
  }
  /** GraphQL as a signed-in member of the organization (the engine applies the user role's permissions). */
  async function asUser(userId: string, query: string, variables: Record<string, unknown>): Promise<{ data?: Record<string, unknown>; errors?: unknown[] }> {
    const res = await fetch(stack.endpoint, {
      method: "POST",
      headers: { "content-type": "application/json", "x-hasura-admin-secret": ADMIN_SECRET, "x-hasura-role": "user", "x-hasura-user-id": userId },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  }
  async function organization(title: string, owner: string): Promise<{ controllerId: string; ownerId: string }> {
    const controllerId = await insertController(stack, { title });
    const ownerId = await insertUser(stack, owner, { displayName: "Olive Owner", emailVerified: true });
    await stack.query("insert into public.data_controller_users (controller_id, user_id, role) values ($1, $2, 'owner') on conflict do nothing", [controllerId, ownerId]);
    await settle();
    return { controllerId, ownerId };
  }
  const EDIT = `mutation EditProfile($controllerId: uuid!, $set: dataControllerDetails_set_input!) {
    updateDataControllerDetails(where: { controllerId: { _eq: $controllerId } }, _set: $set) { affected_rows }
  }`;

  beforeAll(async () => {
    stack = await startStack({ crons: (services) => createCronHandlers({ ...services, resolveTxt: () => Promise.resolve({ kind: "missing", code: "ENOTFOUND" }) }) });
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  it("an owner's edit through the engine makes a new privacy-notice version with it; the old version is kept; a second cron run or a redelivery stores nothing more", async () => {
    const { controllerId, ownerId } = await organization("Juniper Goods", "olive@juniper.test");
    const [v1] = await docs(controllerId, "privacy_policy");
    expect(v1.version).toBe(1);
    expect(v1.content).toContain("Data protection officer: none appointed");

    const edited = await asUser(ownerId, EDIT, { controllerId, set: { dpoName: "Dana Protect", dpoEmail: "dpo@juniper.test", contactEmail: "privacy@juniper.test" } });
    expect(edited).toEqual({ data: { updateDataControllerDetails: { affected_rows: 1 } } });
    await settle();
    expect(await jobs(controllerId)).toEqual([
      { reference: "regenerate_documents", is_active: true, last_event_at: null, payload: { profileVersion: 1, changedFields: ["contact_email", "dpo_name", "dpo_email"] } },
      { reference: "regenerate_purposes", is_active: true, last_event_at: null, payload: { profileVersion: 1, changedFields: ["contact_email", "dpo_name", "dpo_email"] } },
    ]);
    // Queued, not yet run: the documents are unchanged until the cron picks the jobs up.
    expect((await docs(controllerId, "privacy_policy")).map((d) => d.version)).toEqual([1]);

    stack.clock.now = new Date(stack.clock.now.getTime() + 60_000);
    expect(await tick()).toEqual({ due: 2, fired: 2, alreadyAdvanced: 0, failed: 0, deactivated: 2 });
    const after = await docs(controllerId, "privacy_policy");
    expect(after.map((d) => d.version)).toEqual([1, 2]);
    expect(after[0]).toEqual(v1);
    expect(after[1].content).toContain("Data protection officer: Dana Protect (dpo@juniper.test)");
    expect(after[1].content).toContain("Contact: privacy@juniper.test");
    expect(after[1].source).toMatchObject({ profileVersion: 1 });
    expect(["regenerate_documents", "regenerate_purposes"]).toContain(after[1].source.trigger);
    // The assessment's DPO check follows the profile too.
    expect((await docs(controllerId, "transparency_profile")).map((d) => d.version)).toEqual([1, 2]);
    expect((await jobs(controllerId)).map((j) => [j.reference, j.is_active, j.last_event_at?.toISOString()])).toEqual([
      ["regenerate_documents", false, stack.clock.now.toISOString()],
      ["regenerate_purposes", false, stack.clock.now.toISOString()],
    ]);

    // The cron again, and the update event again (Hasura redelivers): no new job, no new version.
    expect(await tick()).toEqual({ due: 0, fired: 0, alreadyAdvanced: 0, failed: 0, deactivated: 0 });
    expect(await stack.redeliver("data_controller_details_update")).toEqual(expect.arrayContaining([200]));
    expect(await jobs(controllerId)).toHaveLength(2);
    expect(await tick()).toEqual({ due: 0, fired: 0, alreadyAdvanced: 0, failed: 0, deactivated: 0 });
    expect((await docs(controllerId, "privacy_policy")).map((d) => d.version)).toEqual([1, 2]);
  }, 60_000);

  it("the same jobs run twice (a lost advance, a second replica) store one version; a later edit that changes no document text stores none", async () => {
    const { controllerId, ownerId } = await organization("Kestrel Tools", "olive@kestrel.test");
    expect((await asUser(ownerId, EDIT, { controllerId, set: { legalName: "Kestrel Tools GmbH" } })).errors).toBeUndefined();
    await settle();
    // Both jobs fire in one tick; then they are made due again as if a second replica had read them before the advance.
    stack.clock.now = new Date(stack.clock.now.getTime() + 60_000);
    expect(await tick()).toMatchObject({ fired: 2 });
    await stack.query("update public.scheduled_events set is_active = true where controller_id = $1 and reference like 'regenerate_%'", [controllerId]);
    expect(await tick()).toMatchObject({ fired: 2, failed: 0 });
    const versions = await docs(controllerId, "privacy_policy");
    expect(versions.map((d) => d.version)).toEqual([1, 2]);
    expect(versions[1].content).toContain("Kestrel Tools GmbH");

    // Timezone is a profile field (the trigger fires) that no document prints.
    expect((await asUser(ownerId, EDIT, { controllerId, set: { timezone: "Europe/Berlin" } })).errors).toBeUndefined();
    await settle();
    stack.clock.now = new Date(stack.clock.now.getTime() + 60_000);
    expect(await tick()).toMatchObject({ due: 2, fired: 2, failed: 0 });
    expect((await docs(controllerId, "privacy_policy")).map((d) => d.version)).toEqual([1, 2]);
  }, 60_000);

  it("regenerate_purposes creates the purposes a connected integration implies that the organization lacks, and the new notice lists them", async () => {
    const { controllerId, ownerId } = await organization("Linden Pay", "olive@linden.test");
    // An integration connected before purposes were derived from integrations
    // (its insert fired no trigger): its purpose exists nowhere yet.
    const client = await stack.pool.connect();
    try {
      await client.query("set session_replication_role = replica");
      await client.query("insert into public.data_processors (controller_id, service, name, status, config) values ($1, 'stripe', 'Stripe', 'active', '{}')", [controllerId]);
      await client.query("insert into public.data_processors (controller_id, service, name, status, config) values ($1, 'hubspot', 'HubSpot', 'paused', '{}')", [controllerId]);
    } finally {
      await client.query("set session_replication_role = origin");
      client.release();
    }
    expect(await stack.query("select slug from public.purposes where controller_id = $1 and slug in ('payment_processing', 'customer_relationship')", [controllerId])).toEqual([]);

    expect((await asUser(ownerId, EDIT, { controllerId, set: { countryCode: "DE" } })).errors).toBeUndefined();
    await settle();
    stack.clock.now = new Date(stack.clock.now.getTime() + 60_000);
    expect(await tick()).toMatchObject({ due: 2, fired: 2, failed: 0 });
    // Stripe implies payment processing; the paused HubSpot implies nothing.
    expect(await stack.query("select slug, legal_basis, is_essential, retention_days from public.purposes where controller_id = $1 and slug in ('payment_processing', 'customer_relationship')", [controllerId])).toEqual([
      { slug: "payment_processing", legal_basis: "contract", is_essential: false, retention_days: 1095 },
    ]);
    await settle();
    const latest = (await docs(controllerId, "privacy_policy")).at(-1) as DocRow;
    expect(latest.content).toContain("| Payment processing |");
    expect(latest.source.purposes).toHaveProperty("payment_processing", 1);
  }, 60_000);
});
