/**
 * Tenant isolation of subscriptions over the project's own metadata (hasura/):
 * a member of one organization, with a real signed JWT, subscribes to data
 * processors (live query and stream) and never receives a row of another
 * organization, however those rows change; rows of its own organization
 * arrive. The seeded demo organization is the other tenant.
 */
import { join } from "node:path";
import { Client } from "pg";
import { applyMigrations, applySeeds } from "../../../common/src/db/migrate";
import { createTestDatabase, type TestDatabase } from "../../../test/helpers/pg";
import { createEngine, type Engine } from "../../src/server";
import { ADMIN_SECRET, JWT_SECRET, signJwt } from "../helpers/blog";
import { FAST, serve, WsClient, type Served } from "./helpers";

const HASURA = join(__dirname, "..", "..", "..", "hasura");
const OTHER_ORG = "c0000000-0000-4000-8000-000000000001";
const OWN_ORG = "e0000000-0000-4000-8000-00000000000b";
const MEMBER = "e0000000-0000-4000-8000-0000000000b1";
const OWN_PROCESSOR = "e0000000-0000-4000-8000-0000000000c1";

let db: TestDatabase;
let pg: Client;
let engine: Engine;
let served: Served;
const open: WsClient[] = [];

async function member(): Promise<WsClient> {
  const client = await WsClient.open(served.url, "graphql-transport-ws");
  open.push(client);
  const token = await signJwt({ "x-hasura-allowed-roles": ["user"], "x-hasura-default-role": "user", "x-hasura-user-id": MEMBER });
  await client.init({ Authorization: `Bearer ${token}` });
  return client;
}

async function addProcessor(controllerId: string, name: string, id?: string): Promise<void> {
  await pg.query(`insert into public.data_processors (id, controller_id, service, name, status) values (coalesce($1::uuid, gen_random_uuid()), $2, 'shopify', $3, 'active')`, [id ?? null, controllerId, name]);
}

beforeAll(async () => {
  db = await createTestDatabase("engine_ws_tenant");
  await applyMigrations(db.url, join(HASURA, "migrations"));
  await applySeeds(db.url, join(HASURA, "seeds"));
  pg = new Client({ connectionString: db.url });
  await pg.connect();
  await pg.query(`insert into auth.users (id, email, display_name) values ($1, 'member@own.example', 'Member')`, [MEMBER]);
  await pg.query(
    `insert into public.data_controllers select (jsonb_populate_record(null::public.data_controllers,
       to_jsonb(c) || jsonb_build_object('id', $1::uuid, 'did', 'did:web:own.example', 'title', 'Own Ltd'))).* from public.data_controllers c where id = $2`,
    [OWN_ORG, OTHER_ORG],
  );
  await pg.query(`insert into public.data_controller_users (controller_id, user_id, role, status) values ($1, $2, 'owner', 'active')`, [OWN_ORG, MEMBER]);
  engine = await createEngine({ databaseUrl: db.url, projectDir: HASURA, adminSecret: ADMIN_SECRET, jwtSecret: JWT_SECRET, unauthorizedRole: "anonymous", poolSize: 4, subscriptions: FAST });
  served = await serve(engine);
});

afterEach(() => {
  for (const c of open.splice(0)) c.close();
});

afterAll(async () => {
  await served?.close();
  await engine?.close();
  await pg?.end();
  await db?.drop();
});

test("the other organization has processors (the rows the member must never receive)", async () => {
  const { rows } = await pg.query<{ n: string }>(`select count(*) as n from public.data_processors where controller_id = $1`, [OTHER_ORG]);
  expect(Number(rows[0].n)).toBeGreaterThan(0);
});

test("a member's live query shows only its organization's processors; another organization's inserts and updates send nothing", async () => {
  const client = await member();
  client.send({ type: "subscribe", id: "p", payload: { query: `subscription { dataProcessors(order_by: {name: asc}) { name controllerId } }` } });
  expect(await client.next()).toEqual({ type: "next", id: "p", payload: { data: { dataProcessors: [] } } });
  await addProcessor(OTHER_ORG, "Other tenant shop");
  await pg.query(`update public.data_processors set name = name || ' (renamed)' where controller_id = $1`, [OTHER_ORG]);
  expect(await client.quiet(300)).toEqual([]);
  await addProcessor(OWN_ORG, "Own shop", OWN_PROCESSOR);
  expect(await client.next()).toEqual({ type: "next", id: "p", payload: { data: { dataProcessors: [{ name: "Own shop", controllerId: OWN_ORG }] } } });
});

test("a member's stream carries only its organization's rows; by primary key another organization's row stays null", async () => {
  const client = await member();
  client.send({
    type: "subscribe",
    id: "s",
    payload: { query: `subscription { dataProcessorsStream(batch_size: 50, cursor: {initial_value: {createdAt: "2000-01-01T00:00:00Z"}}) { name controllerId } }` },
  });
  const first = await client.next();
  const rows = (first.payload as { data: { dataProcessorsStream: Array<{ controllerId: string }> } }).data.dataProcessorsStream;
  expect(rows.length).toBeGreaterThan(0);
  expect(rows.every((r) => r.controllerId === OWN_ORG)).toBe(true);
  await addProcessor(OTHER_ORG, "Another other-tenant shop");
  expect(await client.quiet(300)).toEqual([]);
  const { rows: other } = await pg.query<{ id: string }>(`select id from public.data_processors where controller_id = $1 limit 1`, [OTHER_ORG]);
  client.send({ type: "subscribe", id: "pk", payload: { query: `subscription ($id: uuid!) { dataProcessor(id: $id) { name } }`, variables: { id: other[0].id } } });
  expect(await client.next()).toEqual({ type: "next", id: "pk", payload: { data: { dataProcessor: null } } });
});
