/**
 * The WebSocket transport of /v1/graphql, both sub-protocols, against the blog
 * fixture on real Postgres with a real `ws` client on 127.0.0.1: handshakes,
 * keep-alives, queries and mutations over the socket, live queries,
 * unsubscribing, and every refusal with its message and close code (Hasura's
 * Transport/WebSocket.hs and WebSocket/Protocol.hs).
 */
import request from "supertest";
import { ADMIN_SECRET } from "../helpers/blog";
import { useBlogSuite, WsClient } from "./helpers";

const suite = useBlogSuite("engine_ws_tpl");
const connect = (protocol?: string): Promise<WsClient> => suite.connect(protocol);
const ADMIN = { "x-hasura-admin-secret": ADMIN_SECRET };

async function setLikes(id: string, likes: number): Promise<void> {
  const res = await request(suite.blog.engine.app)
    .post("/v1/graphql")
    .set("x-hasura-admin-secret", ADMIN_SECRET)
    .send({ query: `mutation ($id: uuid!, $likes: Int!) { update_articles_by_pk(pk_columns: {id: $id}, _set: {likes: $likes}) { id } }`, variables: { id, likes } });
  expect(res.body).toEqual({ data: { update_articles_by_pk: { id } } });
}

const ADA_ARTICLE = "00000000-0000-4000-8000-000000000001";
const GRACE_ARTICLE = "00000000-0000-4000-8000-000000000002";
const LIVE_ADA = `subscription AdaArticles { articles(where: {author_id: {_eq: 1}}) { title likes } }`;

describe("graphql-transport-ws", () => {
  test("connection_init with the admin secret answers connection_ack, then a keep-alive ping; ping is answered with pong", async () => {
    const client = await connect("graphql-transport-ws");
    expect(client.ws.protocol).toBe("graphql-transport-ws");
    await client.init(ADMIN);
    expect(client.keepAlives).toEqual([{ type: "ping", payload: { message: "keepalive" } }]);
    client.send({ type: "ping", payload: { message: "hello" } });
    expect(await client.next()).toEqual({ type: "pong", payload: { message: "hello" } });
  });

  test("a query over the socket answers next with its data, then complete", async () => {
    const client = await connect("graphql-transport-ws");
    await client.init(ADMIN);
    client.send({ type: "subscribe", id: "q1", payload: { query: `query ($id: Int!) { authors_by_pk(id: $id) { name } }`, variables: { id: 2 } } });
    expect(await client.take(2)).toEqual([
      { type: "next", id: "q1", payload: { data: { authors_by_pk: { name: "Grace" } } } },
      { type: "complete", id: "q1" },
    ]);
  });

  test("a mutation over the socket commits and answers next, then complete; an execution error comes as error", async () => {
    const client = await connect("graphql-transport-ws");
    await client.init(ADMIN);
    client.send({ type: "subscribe", id: "m1", payload: { query: `mutation { insert_content_tags_one(object: {id: 40, name: "ws"}) { id name } }` } });
    expect(await client.take(2)).toEqual([
      { type: "next", id: "m1", payload: { data: { insert_content_tags_one: { id: 40, name: "ws" } } } },
      { type: "complete", id: "m1" },
    ]);
    client.send({ type: "subscribe", id: "m2", payload: { query: `mutation { insert_content_tags_one(object: {id: 40, name: "again"}) { id } }` } });
    const [error, complete] = await client.take(2);
    expect(error).toMatchObject({ type: "error", id: "m2", payload: [{ extensions: { code: "constraint-violation", path: "$.selectionSet.insert_content_tags_one.args.object" } }] });
    expect(complete).toEqual({ type: "complete", id: "m2" });
  });

  test("a live query sends the initial result, an update after a mutation elsewhere, and nothing when an unrelated row changes", async () => {
    const client = await connect("graphql-transport-ws");
    await client.init(ADMIN);
    client.send({ type: "subscribe", id: "live", payload: { query: LIVE_ADA, operationName: "AdaArticles" } });
    expect(await client.next()).toEqual({ type: "next", id: "live", payload: { data: { articles: [{ title: "Notes on the Analytical Engine", likes: 10 }] } } });
    await setLikes(ADA_ARTICLE, 11);
    expect(await client.next()).toEqual({ type: "next", id: "live", payload: { data: { articles: [{ title: "Notes on the Analytical Engine", likes: 11 }] } } });
    await setLikes(GRACE_ARTICLE, 99);
    expect(await client.quiet(400)).toEqual([]);
  });

  test("complete stops the subscription: later changes send nothing and the poller goes away", async () => {
    const client = await connect("graphql-transport-ws");
    await client.init(ADMIN);
    client.send({ type: "subscribe", id: "s", payload: { query: `subscription { articles_by_pk(id: "${ADA_ARTICLE}") { likes __typename } }` } });
    const first = await client.next();
    expect(first).toMatchObject({ type: "next", id: "s", payload: { data: { articles_by_pk: { __typename: "articles" } } } });
    client.send({ type: "complete", id: "s" });
    await client.quiet(100);
    await setLikes(ADA_ARTICLE, 500);
    expect(await client.quiet(300)).toEqual([]);
  });

  test("a query that fails validation answers error (a list) then complete, and the connection stays usable", async () => {
    const client = await connect("graphql-transport-ws");
    await client.init(ADMIN);
    client.send({ type: "subscribe", id: "bad", payload: { query: `subscription { articles { nope } }` } });
    expect(await client.take(2)).toEqual([
      { type: "error", id: "bad", payload: [{ message: "field 'nope' not found in type: 'articles'", extensions: { path: "$.selectionSet.articles.selectionSet.nope", code: "validation-failed" } }] },
      { type: "complete", id: "bad" },
    ]);
    client.send({ type: "subscribe", id: "ok", payload: { query: `{ authors_by_pk(id: 1) { name } }` } });
    expect(await client.next()).toEqual({ type: "next", id: "ok", payload: { data: { authors_by_pk: { name: "Ada" } } } });
  });

  test("a subscription whose root field is skipped completes at once; a root @include on a variable is a validation error", async () => {
    const client = await connect("graphql-transport-ws");
    await client.init(ADMIN);
    client.send({ type: "subscribe", id: "skip", payload: { query: `subscription { authors @include(if: false) { id } }` } });
    expect(await client.next()).toEqual({ type: "complete", id: "skip" });
    // graphql-js cannot validate a root @include on a variable; it is refused as a validation error, not an internal one.
    client.send({ type: "subscribe", id: "var", payload: { query: `subscription ($no: Boolean!) { authors @include(if: $no) { id } }`, variables: { no: false } } });
    expect(await client.take(2)).toEqual([
      {
        type: "error",
        id: "var",
        payload: [{ message: 'Argument "if" of required type "Boolean!" was provided the variable "$no" which was not provided a runtime value.', extensions: { path: "$.selectionSet.authors.args.if", code: "validation-failed" } }],
      },
      { type: "complete", id: "var" },
    ]);
  });

  test("a wrong admin secret closes the socket with 4403 Forbidden", async () => {
    const client = await connect("graphql-transport-ws");
    client.send({ type: "connection_init", payload: { headers: { "x-hasura-admin-secret": "wrong" } } });
    expect(await client.closed()).toEqual({ code: 4403, reason: '{"server_error_msg":"4403: Forbidden"}' });
  });

  test("subscribe before connection_init answers start-failed and closes with 1000", async () => {
    const client = await connect("graphql-transport-ws");
    client.send({ type: "subscribe", id: "early", payload: { query: `{ authors { id } }` } });
    const [first, second] = await client.take(2);
    expect(first).toEqual({ type: "error", id: "early", payload: { message: "start received before the connection is initialised", extensions: { path: "$", code: "start-failed" } } });
    expect(second).toEqual({ type: "error", id: "early", payload: "start received before the connection is initialised" });
    expect(await client.closed()).toEqual({ code: 1000, reason: '{"server_error_msg":"4400: start received before the connection is initialised"}' });
  });

  test("an id already running answers start-failed and closes", async () => {
    const client = await connect("graphql-transport-ws");
    await client.init(ADMIN);
    client.send({ type: "subscribe", id: "dup", payload: { query: LIVE_ADA } });
    expect(await client.next()).toMatchObject({ type: "next", id: "dup" });
    client.send({ type: "subscribe", id: "dup", payload: { query: LIVE_ADA } });
    expect(await client.next()).toEqual({ type: "error", id: "dup", payload: { message: "an operation already exists with this id: dup", extensions: { path: "$", code: "start-failed" } } });
    expect((await client.closed()).code).toBe(1000);
  });

  test("a message that is not JSON closes with 4400; no connection_init in time closes with 4408; a second connection_init with 4429", async () => {
    const garbage = await connect("graphql-transport-ws");
    garbage.send("{not json");
    expect(await garbage.closed()).toEqual({ code: 4400, reason: '{"server_error_msg":"4400: Parsing client message failed: not valid JSON"}' });
    const idle = await connect("graphql-transport-ws");
    expect(await idle.closed()).toEqual({ code: 4408, reason: "Connection initialisation timed out" });
    const twice = await connect("graphql-transport-ws");
    await twice.init(ADMIN);
    twice.send({ type: "connection_init", payload: { headers: ADMIN } });
    expect(await twice.closed()).toEqual({ code: 4429, reason: '{"server_error_msg":"4429: Too many requests"}' });
  });
});

describe("graphql-ws (subscriptions-transport-ws)", () => {
  test("a client offering no sub-protocol speaks the legacy one: connection_ack, ka, start -> data, complete", async () => {
    const client = await connect();
    expect(client.ws.protocol).toBe("");
    await client.init(ADMIN);
    expect(client.keepAlives).toEqual([{ type: "ka" }]);
    client.send({ type: "start", id: "1", payload: { query: `{ content_tags(order_by: {id: asc}, limit: 1) { name } }` } });
    expect(await client.take(2)).toEqual([
      { type: "data", id: "1", payload: { data: { content_tags: [{ name: "history" }] } } },
      { type: "complete", id: "1" },
    ]);
  });

  test("a live query sends data on change; stop ends it", async () => {
    const client = await connect("graphql-ws");
    expect(client.ws.protocol).toBe("graphql-ws");
    await client.init(ADMIN);
    client.send({ type: "start", id: "live", payload: { query: `subscription { authors_aggregate(where: {id: {_eq: 4}}) { aggregate { max { rating } } } }` } });
    expect(await client.next()).toEqual({ type: "data", id: "live", payload: { data: { authors_aggregate: { aggregate: { max: { rating: 3.25 } } } } } });
    await request(suite.blog.engine.app).post("/v1/graphql").set("x-hasura-admin-secret", ADMIN_SECRET).send({ query: `mutation { update_authors_by_pk(pk_columns: {id: 4}, _set: {rating: 3.5}) { id } }` });
    expect(await client.next()).toEqual({ type: "data", id: "live", payload: { data: { authors_aggregate: { aggregate: { max: { rating: 3.5 } } } } } });
    client.send({ type: "stop", id: "live" });
    await client.quiet(100);
    await request(suite.blog.engine.app).post("/v1/graphql").set("x-hasura-admin-secret", ADMIN_SECRET).send({ query: `mutation { update_authors_by_pk(pk_columns: {id: 4}, _set: {rating: 4}) { id } }` });
    expect(await client.quiet(300)).toEqual([]);
  });

  test("a wrong admin secret answers connection_error, then closes with 4400", async () => {
    const client = await connect("graphql-ws");
    client.send({ type: "connection_init", payload: { headers: { "x-hasura-admin-secret": "wrong" } } });
    expect(await client.next()).toEqual({ type: "connection_error", payload: "invalid x-hasura-admin-secret/x-hasura-access-key" });
    expect(await client.closed()).toEqual({
      code: 4400,
      reason: '{"server_error_msg":"4400: Connection initialization failed: invalid x-hasura-admin-secret/x-hasura-access-key"}',
    });
  });

  test("a validation error answers error with {errors} then complete; an execution error comes as data with errors", async () => {
    const client = await connect("graphql-ws");
    await client.init(ADMIN);
    client.send({ type: "start", id: "v", payload: { query: `subscription { authors(where: {nope: {_eq: 1}}) { id } }` } });
    expect(await client.take(2)).toEqual([
      { type: "error", id: "v", payload: { errors: [{ message: "field 'nope' not found in type: 'authors_bool_exp'", extensions: { path: "$.selectionSet.authors.args.where.nope", code: "validation-failed" } }] } },
      { type: "complete", id: "v" },
    ]);
    client.send({ type: "start", id: "x", payload: { query: `mutation { insert_authors_one(object: {id: 1, name: "Dup"}) { id } }` } });
    const [data, complete] = await client.take(2);
    expect(data).toMatchObject({ type: "data", id: "x", payload: { errors: [{ extensions: { code: "constraint-violation" } }] } });
    expect(complete).toEqual({ type: "complete", id: "x" });
  });

  test("a message that is not JSON answers connection_error and keeps the connection; start before init answers start-failed then complete", async () => {
    const client = await connect("graphql-ws");
    client.send("{not json");
    expect(await client.next()).toEqual({ type: "connection_error", payload: "parsing ClientMessage failed: not valid JSON" });
    client.send({ type: "start", id: "early", payload: { query: `{ authors { id } }` } });
    expect(await client.take(2)).toEqual([
      { type: "error", id: "early", payload: { message: "start received before the connection is initialised", extensions: { path: "$", code: "start-failed" } } },
      { type: "complete", id: "early" },
    ]);
    await client.init(ADMIN);
  });

  test("connection_terminate closes the connection normally", async () => {
    const client = await connect("graphql-ws");
    await client.init(ADMIN);
    client.send({ type: "connection_terminate" });
    expect(await client.closed()).toEqual({ code: 1000, reason: "GQL_CONNECTION_TERMINATE received" });
  });
});

describe("upgrade", () => {
  test("another path is refused with 404", async () => {
    await expect(WsClient.open(suite.served.url.replace("/v1/graphql", "/v1/other"))).rejects.toThrow("upgrade refused: 404");
  });
});
