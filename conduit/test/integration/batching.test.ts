/**
 * Micro-batched intake (the default in main.ts): concurrent webhooks share one
 * insert, and each still gets its own exact answer. The content window is
 * applied by the insert itself (migration 1795460050000), so it holds inside a
 * batch and between two conduit replicas that receive the same content at once.
 */
import type { Express } from "express";
import { createGraphqlStore } from "../../src/store/graphql-store";
import { PLATFORM_CASES } from "../fixtures/platforms";
import { ADMIN_SECRET, startStack, type Stack } from "../helpers/stack";
import { createTenant, intakeRows, send } from "../helpers/tenant";

let stack: Stack;
let app: Express;
beforeAll(async () => {
  stack = await startStack();
  app = stack.app({ intake: stack.intakeDeps({ store: createGraphqlStore({ endpoint: stack.endpoint, adminSecret: ADMIN_SECRET, cacheTtlMs: 0, batching: true }) }) });
});
afterAll(async () => {
  await stack?.close();
});

test("30 concurrent deliveries, with repeats of 5 event ids and 5 same-content events, store exactly the distinct ones", async () => {
  const c = PLATFORM_CASES.find((p) => p.service === "shopify");
  if (!c) throw new Error("shopify case");
  const a = await createTenant(stack, c, "Batch A");
  const b = await createTenant(stack, c, "Batch B");
  const deliveries = [
    // 20 distinct customers across two controllers
    ...Array.from({ length: 20 }, (_, i) => ({ t: i % 2 === 0 ? a : b, id: `e-${i}`, email: `batch${i}@example.net` })),
    // 5 repeats of existing event ids
    ...Array.from({ length: 5 }, (_, i) => ({ t: i % 2 === 0 ? a : b, id: `e-${i}`, email: `batch${i}@example.net` })),
  ];
  const results = await Promise.all(
    deliveries.map((d) => send(app, stack, d.t, c, { body: JSON.stringify({ id: 1, email: d.email }), headers: { "x-shopify-event-id": d.id } })),
  );
  expect(results.map((r) => r.status)).toEqual(deliveries.map(() => 200));
  const stored = results.reduce((n, r) => n + (r.body as { stored: number }).stored, 0);
  expect(stored).toBe(20);
  expect((await intakeRows(stack, a.controller.id)).length + (await intakeRows(stack, b.controller.id)).length).toBe(20);

  // A second wave of the same content with new event ids falls in the window: nothing stored, all reported as duplicates.
  const again = await Promise.all(
    deliveries.slice(0, 5).map((d, i) => send(app, stack, d.t, c, { body: JSON.stringify({ id: 1, email: d.email }), headers: { "x-shopify-event-id": `w-${i}` } })),
  );
  expect(again.map((r) => r.body)).toEqual(again.map(() => ({ ok: true, received: 1, stored: 0, duplicates: 1 })));
});

test("the same content under 8 different event ids at once, in one batch, is stored once", async () => {
  const c = PLATFORM_CASES.find((p) => p.service === "shopify");
  if (!c) throw new Error("shopify case");
  const t = await createTenant(stack, c, "Batch same content");
  const results = await Promise.all(
    Array.from({ length: 8 }, (_, i) => send(app, stack, t, c, { body: JSON.stringify({ id: 7, email: "same@example.net" }), headers: { "x-shopify-event-id": `same-${i}` } })),
  );
  expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
  expect(results.reduce((n, r) => n + (r.body as { stored: number }).stored, 0)).toBe(1);
  expect(results.reduce((n, r) => n + (r.body as { duplicates: number }).duplicates, 0)).toBe(7);
  expect(await intakeRows(stack, t.controller.id)).toHaveLength(1);
});

test("two replicas receiving the same content at the same moment store it once (10 rounds)", async () => {
  const c = PLATFORM_CASES.find((p) => p.service === "shopify");
  if (!c) throw new Error("shopify case");
  const t = await createTenant(stack, c, "Batch replicas");
  // A second conduit with its own store and batcher: its inserts race the first's.
  const replica = stack.app({ intake: stack.intakeDeps({ store: createGraphqlStore({ endpoint: stack.endpoint, adminSecret: ADMIN_SECRET, cacheTtlMs: 0, batching: true }) }) });
  for (let round = 0; round < 10; round++) {
    const body = JSON.stringify({ id: 100 + round, email: `race${round}@example.net` });
    const results = await Promise.all(
      [app, replica, app, replica].map((target, i) => send(target, stack, t, c, { body, headers: { "x-shopify-event-id": `race-${round}-${i}` } })),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(results.reduce((n, r) => n + (r.body as { stored: number }).stored, 0)).toBe(1);
  }
  const rows = await intakeRows(stack, t.controller.id);
  expect(rows).toHaveLength(10);
  expect(new Set(rows.map((r) => r.content_key)).size).toBe(10);
});

test("when the batched write fails, every request in the batch answers 500 and nothing is stored", async () => {
  const c = PLATFORM_CASES.find((p) => p.service === "shopify");
  if (!c) throw new Error("shopify case");
  const t = await createTenant(stack, c, "Batch fail");
  await stack.stopEngine();
  try {
    const results = await Promise.all([0, 1, 2].map((i) => send(app, stack, t, c, { body: JSON.stringify({ id: i, email: `f${i}@example.net` }), headers: { "x-shopify-event-id": `f-${i}` } })));
    expect(results.map((r) => r.status)).toEqual([500, 500, 500]);
  } finally {
    await stack.startEngine();
  }
  expect(await intakeRows(stack, t.controller.id)).toHaveLength(0);
});
