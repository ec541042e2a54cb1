/**
 * Tracked functions on subscription_root (Hasura serves query functions there
 * too) and subscriptions under the graphql-default naming convention, over
 * the WebSocket transport on the library fixture.
 */
import type { TestDatabase } from "../../../test/helpers/pg";
import { ADMIN_SECRET } from "../helpers/blog";
import { createProjectTemplate, startProjectEngine } from "../conformance/projects";
import { FAST, serve, WsClient } from "../subscriptions/helpers";

let template: TestDatabase;
beforeAll(async () => {
  template = await createProjectTemplate("library");
});
afterAll(async () => {
  await template?.drop();
});

async function subscribeOnce(env: Record<string, string>, query: string): Promise<unknown> {
  const lib = await startProjectEngine({ project: "library", env }, template, { subscriptions: FAST });
  const served = await serve(lib.engine);
  const client = await WsClient.open(served.url, "graphql-transport-ws");
  try {
    await client.init({ "x-hasura-admin-secret": ADMIN_SECRET });
    client.send({ type: "subscribe", id: "1", payload: { query } });
    return await client.next();
  } finally {
    client.close();
    await served.close();
    await lib.close();
  }
}

test("a query function and its aggregate are live queries on subscription_root", async () => {
  const message = await subscribeOnce({}, 'subscription { search_books(args: {search: "the"}, order_by: {id: asc}) { id } }');
  expect(message).toEqual({ type: "next", id: "1", payload: { data: { search_books: [{ id: 1 }, { id: 2 }, { id: 4 }] } } });
  const agg = await subscribeOnce({}, "subscription { thick_books_stats { aggregate { count } } }");
  expect(agg).toEqual({ type: "next", id: "1", payload: { data: { thick_books_stats: { aggregate: { count: 3 } } } } });
});

test("subscriptions take graphql-default names when the convention is on", async () => {
  const env = { HASURA_GRAPHQL_EXPERIMENTAL_FEATURES: "naming_convention", HASURA_GRAPHQL_DEFAULT_NAMING_CONVENTION: "graphql-default" };
  const fn = await subscribeOnce(env, 'subscription { searchBooks(args: {search: "kindred"}) { writerId } }');
  expect(fn).toEqual({ type: "next", id: "1", payload: { data: { searchBooks: [{ writerId: 2 }] } } });
  const one = await subscribeOnce(env, "subscription { writersAggregate(where: {lastName: {_isNull: false}}) { aggregate { count } } }");
  expect(one).toEqual({ type: "next", id: "1", payload: { data: { writersAggregate: { aggregate: { count: 3 } } } } });
});
