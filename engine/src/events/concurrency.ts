/**
 * Small concurrency helpers for the delivery loops: a counting semaphore and
 * an interruptible sleep (so stop() and wake() do not wait out an interval).
 */

export class Semaphore {
  private available: number;
  private readonly waiters: ((granted: boolean) => void)[] = [];
  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`[engine/events] semaphore size must be a positive integer, got ${size}`);
    this.available = size;
  }
  /** Resolves true once a slot is taken, or false when `abortWaiting()` ends the wait. */
  acquire(): Promise<boolean> {
    if (this.available > 0) {
      this.available -= 1;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  release(): void {
    const next = this.waiters.shift();
    if (next) next(true);
    else this.available += 1;
  }
  /** Ends every pending acquire() with false (shutdown). */
  abortWaiting(): void {
    for (const waiter of this.waiters.splice(0)) waiter(false);
  }
}

/** A sleep that `interrupt()` ends early; used for fetch intervals. */
export class Napper {
  private wakeCurrent: (() => void) | undefined;
  private pendingWake = false;
  sleep(ms: number): Promise<void> {
    if (this.pendingWake) {
      this.pendingWake = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeCurrent = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeCurrent = done;
    });
  }
  /** Ends the current sleep, or makes the next one return at once. */
  interrupt(): void {
    if (this.wakeCurrent) this.wakeCurrent();
    else this.pendingWake = true;
  }
}
