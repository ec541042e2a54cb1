/**
 * Streaming subscriptions and sessions on the blog fixture: every row exactly
 * once in cursor order, DESC cursors, cursor errors, the select permission of
 * a JWT user on live queries and streams, the unauthorized role, JWT expiry,
 * and the schema's subscription_root per role.
 */
import request from "supertest";
import { buildRoleSchema } from "../../src/schema/build";
import { ADMIN_SECRET, signJwt } from "../helpers/blog";
import { useBlogSuite, WsClient, type Message } from "./helpers";

const suite = useBlogSuite("engine_wss_tpl");
const ADMIN = { "x-hasura-admin-secret": ADMIN_SECRET };
const ADA_ARTICLE = "00000000-0000-4000-8000-000000000001";
const LISKOV_DRAFT = "00000000-0000-4000-8000-000000000005";
const KERNELS_DRAFT = "00000000-0000-4000-8000-000000000003";

const connect = (protocol = "graphql-transport-ws"): Promise<WsClient> => suite.connect(protocol);

async function userHeaders(userId: number, expiresInSeconds?: number): Promise<Record<string, string>> {
  const token = await signJwt({ "x-hasura-allowed-roles": ["user"], "x-hasura-default-role": "user", "x-hasura-user-id": String(userId) }, { expiresInSeconds });
  return { Authorization: `Bearer ${token}` };
}

async function admin(query: string, variables?: Record<string, unknown>): Promise<unknown> {
  const res = await request(suite.blog.engine.app).post("/v1/graphql").set("x-hasura-admin-secret", ADMIN_SECRET).send({ query, variables });
  expect(res.body.errors).toBeUndefined();
  return res.body;
}

async function addRemarks(rows: Array<{ id: number; articleId: string }>): Promise<void> {
  await admin(`mutation ($rows: [remarks_insert_input!]!) { insert_remarks(objects: $rows) { affected_rows } }`, { rows: rows.map((r) => ({ ...r, body: `remark ${r.id}` })) });
}

/** Collects stream batches (ids per message) until `count` ids arrived. */
async function streamIds(client: WsClient, id: string, field: string, count: number): Promise<number[][]> {
  const batches: number[][] = [];
  while (batches.flat().length < count) {
    const message: Message = await client.next();
    expect(message).toMatchObject({ type: "next", id });
    const rows = (message.payload as { data: Record<string, Array<{ id: number }>> }).data[field];
    batches.push(rows.map((r) => r.id));
  }
  return batches;
}

describe("streaming subscriptions", () => {
  test("deliver every row exactly once, in cursor order, in batches of batch_size, then rows inserted later", async () => {
    const client = await connect();
    await client.init(ADMIN);
    client.send({ type: "subscribe", id: "s", payload: { query: `subscription { remarks_stream(batch_size: 2, cursor: {initial_value: {id: 0}}) { id body } }` } });
    expect(await client.next()).toEqual({ type: "next", id: "s", payload: { data: { remarks_stream: [{ id: 1, body: "Visionary." }, { id: 2, body: "Agreed." }] } } });
    expect(await streamIds(client, "s", "remarks_stream", 2)).toEqual([[3, 4]]);
    await addRemarks([
      { id: 101, articleId: ADA_ARTICLE },
      { id: 102, articleId: ADA_ARTICLE },
      { id: 103, articleId: ADA_ARTICLE },
    ]);
    expect(await streamIds(client, "s", "remarks_stream", 3)).toEqual([[101, 102], [103]]);
    expect(await client.quiet(300)).toEqual([]);
  });

  test("a user's stream carries only rows its select permission shows (comments on published articles)", async () => {
    const client = await connect();
    await client.init(await userHeaders(1));
    client.send({ type: "subscribe", id: "mine", payload: { query: `subscription { remarks_stream(batch_size: 5, cursor: {initial_value: {id: 200}}) { id } }` } });
    expect(await client.quiet(150)).toEqual([]);
    await addRemarks([
      { id: 201, articleId: ADA_ARTICLE },
      { id: 202, articleId: LISKOV_DRAFT },
      { id: 203, articleId: ADA_ARTICLE },
    ]);
    expect(await streamIds(client, "mine", "remarks_stream", 2)).toEqual([[201, 203]]);
    expect(await client.quiet(300)).toEqual([]);
  });

  test("a DESC cursor streams the rows before it, newest first, and never rows after it", async () => {
    const client = await connect("graphql-ws");
    await client.init(ADMIN);
    client.send({ type: "start", id: "d", payload: { query: `subscription { remarks_stream(batch_size: 3, cursor: {initial_value: {id: 3}, ordering: DESC}) { id } }` } });
    expect(await client.next()).toEqual({ type: "data", id: "d", payload: { data: { remarks_stream: [{ id: 2 }, { id: 1 }] } } });
    await addRemarks([{ id: 300, articleId: ADA_ARTICLE }]);
    expect(await client.quiet(300)).toEqual([]);
  });

  test("a cursor of two columns, or of none, is refused as Hasura refuses it", async () => {
    const client = await connect();
    await client.init(ADMIN);
    client.send({ type: "subscribe", id: "two", payload: { query: `subscription { remarks_stream(batch_size: 1, cursor: {initial_value: {id: 0, body: "a"}}) { id } }` } });
    expect(await client.take(2)).toEqual([
      { type: "error", id: "two", payload: [{ message: "multiple column cursors are not supported yet", extensions: { path: "$.selectionSet.remarks_stream.args.cursor", code: "validation-failed" } }] },
      { type: "complete", id: "two" },
    ]);
    client.send({ type: "subscribe", id: "none", payload: { query: `subscription { remarks_stream(batch_size: 1, cursor: []) { id } }` } });
    expect((await client.take(2))[0]).toEqual({
      type: "error",
      id: "none",
      payload: [{ message: "one streaming column field is expected", extensions: { path: "$.selectionSet.remarks_stream.args.cursor", code: "validation-failed" } }],
    });
  });
});

describe("sessions", () => {
  test("a user's live query shows its own draft, hears changes to it, and nothing about another author's draft", async () => {
    const client = await connect();
    await client.init(await userHeaders(3));
    client.send({ type: "subscribe", id: "l", payload: { query: `subscription { articles(order_by: {title: asc}) { title likes } }` } });
    const first = await client.next();
    expect((first.payload as { data: { articles: Array<{ title: string }> } }).data.articles.map((a) => a.title)).toEqual(["COBOL", "Compilers", "Draft: Kernels", "Notes on the Analytical Engine"]);
    await admin(`mutation { update_articles_by_pk(pk_columns: {id: "${LISKOV_DRAFT}"}, _set: {likes: 77}) { id } }`);
    expect(await client.quiet(300)).toEqual([]);
    await admin(`mutation { update_articles_by_pk(pk_columns: {id: "${KERNELS_DRAFT}"}, _set: {likes: 5}) { id } }`);
    const update = await client.next();
    expect((update.payload as { data: { articles: Array<{ title: string; likes: number }> } }).data.articles.find((a) => a.title === "Draft: Kernels")).toEqual({ title: "Draft: Kernels", likes: 5 });
  });

  test("without credentials the unauthorized role subscribes with its own columns and rows", async () => {
    const client = await connect("graphql-ws");
    await client.init({});
    client.send({ type: "start", id: "a", payload: { query: `subscription { articles(order_by: {title: asc}) { title } }` } });
    expect(await client.next()).toEqual({ type: "data", id: "a", payload: { data: { articles: [{ title: "COBOL" }, { title: "Compilers" }, { title: "Notes on the Analytical Engine" }] } } });
    client.send({ type: "start", id: "b", payload: { query: `subscription { articles { body } }` } });
    expect(await client.next()).toEqual({ type: "error", id: "b", payload: { errors: [{ message: "field 'body' not found in type: 'articles'", extensions: { path: "$.selectionSet.articles.selectionSet.body", code: "validation-failed" } }] } });
  });

  test("a bad JWT is refused at connection_init; an expiring one drops the connection at its exp", async () => {
    const bad = await connect();
    bad.send({ type: "connection_init", payload: { headers: { Authorization: "Bearer not-a-token" } } });
    expect((await bad.closed()).code).toBe(4403);
    const client = await connect();
    await client.init(await userHeaders(1, 1));
    client.send({ type: "subscribe", id: "x", payload: { query: `subscription { authors_aggregate { aggregate { count } } }` } });
    expect(await client.next()).toMatchObject({ type: "next", id: "x" });
    expect((await client.closed(3000)).code).toBe(1006);
  });
});

describe("subscription_root", () => {
  test("has query_root's table fields and <t>_stream per role; subscription_root_fields narrows it", () => {
    const { model, schemaFor } = suite.blog.engine.state();
    const fields = (role: string): string[] => Object.keys(schemaFor(role, false).getSubscriptionType()?.getFields() ?? {}).filter((f) => f.startsWith("articles") || f.startsWith("remark"));
    expect(fields("user")).toEqual(["articles", "articles_aggregate", "articles_by_pk", "articles_stream", "remark", "remarks", "remarks_stream"]);
    expect(fields("anonymous")).toEqual(["articles", "articles_by_pk", "articles_stream"]);
    const articles = model.tables.get("public.articles");
    const perm = articles?.select.get("anonymous");
    if (!articles || !perm) throw new Error("fixture changed");
    const narrowed = { ...model, tables: new Map(model.tables) };
    narrowed.tables.set("public.articles", { ...articles, select: new Map([...articles.select, ["anonymous", { ...perm, subscriptionRootFields: ["select_stream"] }]]) });
    const schema = buildRoleSchema({ model: narrowed, options: { role: "anonymous", backendOnly: false } });
    expect(Object.keys(schema.getSubscriptionType()?.getFields() ?? {}).filter((f) => f.startsWith("articles"))).toEqual(["articles_stream"]);
    expect(Object.keys(schema.getQueryType()?.getFields() ?? {}).filter((f) => f.startsWith("articles"))).toEqual(["articles", "articles_by_pk"]);
  });
});
