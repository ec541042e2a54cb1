/**
 * A real SMTP server for tests (the project's mail catcher on free loopback
 * ports). Code under test sends through `smtpUrl` with nodemailer exactly as
 * in production; the test reads what arrived with `waitForMessage`.
 */
import { isAddressedTo, startMailCatcher } from "../../common/src/mail";
import type { CaughtMessage, MailCatcher } from "../../common/src/mail";

export interface TestSmtp {
  /** `smtp://127.0.0.1:<port>`: pass as SMTP_URL. */
  smtpUrl: string;
  /** Base URL of the catcher's web page and JSON API. */
  webUrl: string;
  catcher: MailCatcher;
  /** Every message caught so far, oldest first. */
  messages(): CaughtMessage[];
  /** The first message to `address` (envelope, To or Cc), waiting up to `timeoutMs` (default 5000). */
  waitForMessageTo(address: string, timeoutMs?: number): Promise<CaughtMessage>;
  /** The first message matching `predicate`, waiting up to `timeoutMs` (default 5000). */
  waitForMessage(predicate: (m: CaughtMessage) => boolean, timeoutMs?: number): Promise<CaughtMessage>;
  /** Forgets every caught message. */
  clear(): void;
  stop(): Promise<void>;
}

/** Starts a catcher on free ports; call `stop()` in afterAll. */
export async function startTestSmtp(): Promise<TestSmtp> {
  const catcher = await startMailCatcher({ smtpPort: 0, webPort: 0 });
  return {
    smtpUrl: catcher.smtpUrl,
    webUrl: catcher.webUrl,
    catcher,
    messages: () => catcher.messages(),
    waitForMessageTo: (address, timeoutMs) =>
      catcher.waitFor((m) => isAddressedTo(m, address), timeoutMs),
    waitForMessage: (predicate, timeoutMs) => catcher.waitFor(predicate, timeoutMs),
    clear: () => {
      catcher.store.clear();
    },
    stop: () => catcher.stop(),
  };
}
