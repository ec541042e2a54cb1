import { silentLogger } from "../../../common/src/logger";
import type { DeliverStats } from "../../src/mail/deliver-due-emails";
import { createOutboxDispatcher } from "../../src/mail/dispatcher";

function controlledDeliver() {
  const calls: ((stats: DeliverStats) => void)[] = [];
  const deliver = () => new Promise<DeliverStats>((resolve) => calls.push(resolve));
  return { calls, deliver };
}

const ONE: DeliverStats = { sent: 1, failed: 0, skipped: 0 };

describe("createOutboxDispatcher", () => {
  it("createOutboxDispatcher runs one pass at a time and one more after kicks during a pass", async () => {
    const { calls, deliver } = controlledDeliver();
    const dispatcher = createOutboxDispatcher({ deliver, intervalMs: 60_000, logger: silentLogger() });
    dispatcher.start();
    expect(calls).toHaveLength(1);
    dispatcher.kick();
    dispatcher.kick();
    expect(calls).toHaveLength(1);
    calls[0](ONE);
    await new Promise((r) => setImmediate(r));
    expect(calls).toHaveLength(2);
    calls[1](ONE);
    await new Promise((r) => setImmediate(r));
    expect(calls).toHaveLength(2);
    const stopped = dispatcher.stop();
    await stopped;
  });

  it("createOutboxDispatcher survives a failing pass and ignores kicks once stopped", async () => {
    let n = 0;
    const dispatcher = createOutboxDispatcher({
      deliver: async () => {
        n += 1;
        if (n === 1) throw new Error("engine down");
        return ONE;
      },
      intervalMs: 60_000,
      logger: silentLogger(),
    });
    expect(await dispatcher.drain()).toEqual({ sent: 0, failed: 0, skipped: 0 });
    expect(await dispatcher.drain()).toEqual(ONE);
    await dispatcher.stop();
    dispatcher.kick();
    expect(n).toBe(2);
  });
});
