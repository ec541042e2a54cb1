/** Calls a cron route of the stack's handlers app as Hasura's cron trigger does, at the stack's clock. */
import { randomUUID } from "node:crypto";
import { HANDLERS_SECRET, type Stack } from "./stack";

export async function runCron(stack: Stack, name: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${stack.handlersUrl}/crons/${name}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-handlers-secret": HANDLERS_SECRET },
    body: JSON.stringify({ id: randomUUID(), name, scheduled_time: stack.clock.now.toISOString(), payload: {} }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
