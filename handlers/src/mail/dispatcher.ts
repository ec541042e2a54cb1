/**
 * Runs deliverDueEmails in the background: every `intervalMs`, and at once
 * when a handler queues a message (`kick`). One pass at a time; a kick during
 * a pass schedules one more pass right after it. `stop` waits for the pass
 * in progress.
 */
import type { Logger } from "../../../common/src/logger";
import type { DeliverStats } from "./deliver-due-emails";

export interface OutboxDispatcher {
  start(): void;
  kick(): void;
  /** Runs a pass now (or waits for the running one and runs another) and resolves with its stats. */
  drain(): Promise<DeliverStats>;
  stop(): Promise<void>;
}

export function createOutboxDispatcher(options: { deliver: () => Promise<DeliverStats>; intervalMs: number; logger: Logger }): OutboxDispatcher {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<DeliverStats> | undefined;
  let again = false;
  let stopped = true;

  const pass = (): Promise<DeliverStats> => {
    if (running) {
      // One follow-up pass however many kicks arrive meanwhile; it is started
      // by the running pass's `finally`, and this caller waits for it.
      again = true;
      return running.then(() => running ?? pass());
    }
    running = options
      .deliver()
      .catch((err: unknown) => {
        // The API being down is transient: the next pass retries.
        options.logger.error({ err }, "e-mail outbox pass failed");
        return { sent: 0, failed: 0, skipped: 0 };
      })
      .finally(() => {
        running = undefined;
        if (again && !stopped) {
          again = false;
          void pass();
        }
      });
    return running;
  };

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      timer = setInterval(() => void pass(), options.intervalMs);
      timer.unref();
      void pass();
    },
    kick() {
      if (!stopped) void pass();
    },
    drain: () => pass(),
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
