/** Xero Intent to Receive: a signed batch with no events (spec §15). Answered 200 with an empty body. */
export function isIntentToReceive(events: readonly unknown[]): boolean {
  return events.length === 0;
}
