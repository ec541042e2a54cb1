/**
 * In-memory store of caught messages, newest last, bounded in count so a
 * long-running `npm start` cannot grow without limit. Nothing is written to
 * disk: caught mail holds personal data (names, addresses, verification
 * links) and a development catcher has no business keeping it.
 */
import { randomUUID } from "node:crypto";

export interface MailAddress {
  name: string;
  address: string;
}

export interface MailAttachmentInfo {
  filename: string | null;
  contentType: string;
  size: number;
}

/** One message as received over SMTP and parsed. */
export interface CaughtMessage {
  id: string;
  /** ISO-8601 time the message was accepted. */
  receivedAt: string;
  /** SMTP envelope: MAIL FROM (null for the null sender) and every RCPT TO. */
  envelope: { from: string | null; to: string[] };
  from: MailAddress[];
  to: MailAddress[];
  cc: MailAddress[];
  replyTo: MailAddress[];
  subject: string;
  messageId: string | null;
  /** Date header, ISO-8601, when the message had a valid one. */
  date: string | null;
  text: string | null;
  html: string | null;
  headers: { key: string; line: string }[];
  attachments: MailAttachmentInfo[];
  /** Size of the raw message in bytes. */
  size: number;
  raw: Buffer;
}

/** The listing form: no bodies, no raw bytes. */
export type MessageSummary = Pick<CaughtMessage, "id" | "receivedAt" | "envelope" | "from" | "to" | "subject" | "size"> & {
  hasHtml: boolean;
  attachmentCount: number;
};

export type NewMessage = Omit<CaughtMessage, "id" | "receivedAt">;

export function summarize(message: CaughtMessage): MessageSummary {
  return {
    id: message.id,
    receivedAt: message.receivedAt,
    envelope: message.envelope,
    from: message.from,
    to: message.to,
    subject: message.subject,
    size: message.size,
    hasHtml: message.html !== null,
    attachmentCount: message.attachments.length,
  };
}

/** Case-insensitive match against envelope recipients and To/Cc headers. */
export function isAddressedTo(message: CaughtMessage, address: string): boolean {
  const wanted = address.trim().toLowerCase();
  const all = [...message.envelope.to, ...message.to.map((a) => a.address), ...message.cc.map((a) => a.address)];
  return all.some((a) => a.toLowerCase() === wanted);
}

type Waiter = { predicate: (m: CaughtMessage) => boolean; resolve: (m: CaughtMessage) => void };

export class MailStore {
  private readonly messages: CaughtMessage[] = [];
  private readonly waiters = new Set<Waiter>();

  constructor(
    private readonly maxMessages: number,
    private readonly clock: () => Date = () => new Date(),
  ) {
    if (!Number.isInteger(maxMessages) || maxMessages < 1) throw new Error("[common/mail] maxMessages must be a positive integer");
  }

  /** Stores a message, dropping the oldest beyond the bound, and wakes waiters. */
  add(input: NewMessage): CaughtMessage {
    const message: CaughtMessage = { ...input, id: randomUUID(), receivedAt: this.clock().toISOString() };
    this.messages.push(message);
    while (this.messages.length > this.maxMessages) this.messages.shift();
    for (const waiter of [...this.waiters]) {
      if (waiter.predicate(message)) {
        this.waiters.delete(waiter);
        waiter.resolve(message);
      }
    }
    return message;
  }

  /** Every stored message, oldest first. */
  list(): CaughtMessage[] {
    return [...this.messages];
  }

  get(id: string): CaughtMessage | undefined {
    return this.messages.find((m) => m.id === id);
  }

  clear(): number {
    const n = this.messages.length;
    this.messages.length = 0;
    return n;
  }

  /**
   * Resolves with the first stored or future message matching `predicate`;
   * rejects after `timeoutMs` so a test never hangs on mail that never comes.
   */
  waitFor(predicate: (m: CaughtMessage) => boolean, timeoutMs: number): Promise<CaughtMessage> {
    const existing = this.messages.find(predicate);
    if (existing) return Promise.resolve(existing);
    return new Promise<CaughtMessage>((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`[common/mail] no matching message within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }
}
