/**
 * A local SMTP catcher for development and tests: accepts any mail over plain
 * SMTP (smtp-server), parses it (mailparser), keeps it in memory and serves it
 * on a web page and JSON API (web.ts). It delivers nothing anywhere.
 *
 * It binds to 127.0.0.1 by default: it accepts mail without authentication
 * (any AUTH credentials are accepted too, so an SMTP_URL with user:password
 * works unchanged) and shows what it caught to whoever can reach the port.
 * docker-compose uses Mailpit instead; both speak plain SMTP on 1025 and a web
 * UI on 8025.
 */
import { createServer } from "node:http";
import type { Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import type { AddressObject, ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";
import type { SMTPServerDataStream, SMTPServerSession } from "smtp-server";
import type { Logger } from "../logger";
import { silentLogger } from "../logger";
import type { CaughtMessage, MailAddress, NewMessage } from "./store";
import { MailStore } from "./store";
import { createMailWebApp } from "./web";

export interface MailCatcherOptions {
  /** SMTP port; 0 picks a free one (tests). Default 1025. */
  smtpPort?: number;
  /** Web/API port; 0 picks a free one. Default 8025. */
  webPort?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Messages kept before the oldest is dropped; default 500. */
  maxMessages?: number;
  /** Largest accepted message in bytes (advertised as SMTP SIZE); default 10 MiB. */
  maxMessageBytes?: number;
  logger?: Logger;
}

export interface MailCatcher {
  smtpPort: number;
  webPort: number;
  host: string;
  /** `smtp://host:port`, ready for SMTP_URL / nodemailer. */
  smtpUrl: string;
  /** Base URL of the web page and JSON API. */
  webUrl: string;
  store: MailStore;
  /** Messages caught so far, oldest first. */
  messages(): CaughtMessage[];
  /** First stored or future message matching `predicate`; rejects after `timeoutMs` (default 5000). */
  waitFor(predicate: (m: CaughtMessage) => boolean, timeoutMs?: number): Promise<CaughtMessage>;
  stop(): Promise<void>;
}

function addressList(value: AddressObject | AddressObject[] | undefined): MailAddress[] {
  const objects = value === undefined ? [] : Array.isArray(value) ? value : [value];
  const out: MailAddress[] = [];
  for (const object of objects) {
    for (const entry of object.value) {
      // Groups ("Team: a@x, b@x;") list their members; flatten them.
      for (const member of entry.group ?? [entry]) {
        if (member.address) out.push({ name: member.name, address: member.address });
      }
    }
  }
  return out;
}

/** Turns a parsed message plus its envelope into what the store keeps. */
export function toNewMessage(parsed: ParsedMail, raw: Buffer, session: Pick<SMTPServerSession, "envelope">): NewMessage {
  const mailFrom = session.envelope.mailFrom;
  return {
    envelope: {
      from: mailFrom && mailFrom.address ? mailFrom.address : null,
      to: session.envelope.rcptTo.map((r) => r.address),
    },
    from: addressList(parsed.from),
    to: addressList(parsed.to),
    cc: addressList(parsed.cc),
    replyTo: addressList(parsed.replyTo),
    subject: parsed.subject ?? "",
    messageId: parsed.messageId ?? null,
    date: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date.toISOString() : null,
    text: parsed.text ?? null,
    html: typeof parsed.html === "string" ? parsed.html : null,
    headers: parsed.headerLines.map((h) => ({ key: h.key, line: h.line })),
    attachments: parsed.attachments.map((a) => ({ filename: a.filename ?? null, contentType: a.contentType, size: a.content.length })),
    size: raw.length,
    raw,
  };
}

function listenHttp(server: HttpServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Starts the SMTP listener and the web server. Resolves once both listen;
 * rejects (after closing whatever started) when a port is taken.
 */
export async function startMailCatcher(options: MailCatcherOptions = {}): Promise<MailCatcher> {
  const host = options.host ?? "127.0.0.1";
  const logger = options.logger ?? silentLogger();
  const maxBytes = options.maxMessageBytes ?? 10 * 1024 * 1024;
  const store = new MailStore(options.maxMessages ?? 500);

  const smtp = new SMTPServer({
    banner: "privacy-platform mail catcher (development only, delivers nothing)",
    // Plain SMTP on loopback: no certificate to manage, and STARTTLS offered
    // without one would make nodemailer's opportunistic upgrade fail.
    disabledCommands: ["STARTTLS"],
    authOptional: true,
    allowInsecureAuth: true,
    size: maxBytes,
    logger: false,
    disableReverseLookup: true,
    closeTimeout: 2000,
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username ?? "anonymous" });
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("error", (err: Error) => callback(err));
      stream.on("end", () => {
        if (stream.sizeExceeded) {
          const err: Error & { responseCode?: number } = new Error(`Message exceeds the ${maxBytes}-byte limit`);
          err.responseCode = 552;
          callback(err);
          return;
        }
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) => {
            const message = store.add(toNewMessage(parsed, raw, session));
            // Field types only: addresses and subjects are personal data.
            logger.info({ messageId: message.id, recipients: message.envelope.to.length, size: message.size }, "mail caught");
            callback(null, `Message caught as ${message.id}`);
          })
          .catch((err: unknown) => {
            logger.warn({ err }, "mail could not be parsed");
            const reply: Error & { responseCode?: number } = new Error("Message could not be parsed");
            reply.responseCode = 554;
            callback(reply);
          });
      });
    },
  });
  smtp.on("error", (err: Error) => logger.error({ err }, "smtp server error"));

  const smtpPort = await new Promise<number>((resolve, reject) => {
    smtp.server.once("error", reject);
    smtp.listen(options.smtpPort ?? 1025, host, () => {
      smtp.server.off("error", reject);
      resolve((smtp.server.address() as AddressInfo).port);
    });
  });

  const closeSmtp = (): Promise<void> => new Promise((resolve) => smtp.close(() => resolve()));
  const app = createMailWebApp({ store, logger });
  const web = createServer(app);
  let webPort: number;
  try {
    webPort = await listenHttp(web, options.webPort ?? 8025, host);
  } catch (err: unknown) {
    await closeSmtp();
    throw err;
  }

  const urlHost = host.includes(":") ? `[${host}]` : host;
  return {
    smtpPort,
    webPort,
    host,
    smtpUrl: `smtp://${urlHost}:${smtpPort}`,
    webUrl: `http://${urlHost}:${webPort}`,
    store,
    messages: () => store.list(),
    waitFor: (predicate, timeoutMs = 5000) => store.waitFor(predicate, timeoutMs),
    stop: async () => {
      await Promise.all([
        closeSmtp(),
        new Promise<void>((resolve) => {
          web.close(() => resolve());
          web.closeAllConnections();
        }),
      ]);
    },
  };
}
