/**
 * The catcher's web side: a small HTML page to read caught mail and a JSON API
 * that tests and scripts use.
 *
 *   GET    /                       HTML list, newest first (refreshes every 5 s)
 *   GET    /messages/:id           HTML view of one message
 *   GET    /api/messages[?to=addr] { total, messages: MessageSummary[] }, newest first
 *   GET    /api/messages/:id       the message without its raw bytes
 *   GET    /api/messages/:id/raw   the raw RFC 5322 message (message/rfc822)
 *   DELETE /api/messages           removes every message: 200 { deleted }
 *   GET    /healthz, /metrics
 *
 * Everything taken from a message is HTML-escaped; an HTML body is shown only
 * inside a sandboxed iframe (no scripts, no same-origin) and the page's CSP
 * blocks remote loads, so tracking pixels in test mail do not phone home.
 */
import express from "express";
import type { Request, Response } from "express";
import { z } from "zod";
import { NotFoundError } from "../errors";
import { errorHandler, healthRouter, notFoundHandler, parseOrThrow, requestId } from "../http";
import type { Logger } from "../logger";
import { createMetrics } from "../metrics";
import type { CaughtMessage, MailAddress, MailStore } from "./store";
import { isAddressedTo, summarize } from "./store";

const ListQuerySchema = z.object({
  to: z.string().trim().min(3).max(320).optional(),
});

const IdSchema = z.string().uuid();

function findMessage(store: MailStore, rawId: unknown): CaughtMessage {
  const id = IdSchema.safeParse(rawId);
  const message = id.success ? store.get(id.data) : undefined;
  if (!message) throw new NotFoundError("No such message");
  return message;
}

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}

function formatAddresses(list: MailAddress[]): string {
  return list.map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)).join(", ");
}

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-src 'self'; base-uri 'none'; form-action 'none'";

function page(title: string, body: string, refresh = false): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
${refresh ? '<meta http-equiv="refresh" content="5">' : ""}
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#222}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}
pre{white-space:pre-wrap;background:#f6f6f6;padding:.75rem}iframe{width:100%;height:28rem;border:1px solid #ccc}
.muted{color:#777}
</style></head><body>${body}</body></html>`;
}

function renderList(messages: CaughtMessage[]): string {
  const rows = messages
    .slice()
    .reverse()
    .map(
      (m) => `<tr><td class="muted">${escapeHtml(m.receivedAt)}</td><td>${escapeHtml(formatAddresses(m.from))}</td>` +
        `<td>${escapeHtml(m.envelope.to.join(", "))}</td><td><a href="/messages/${m.id}">${escapeHtml(m.subject || "(no subject)")}</a></td></tr>`,
    )
    .join("\n");
  const table = messages.length
    ? `<table><thead><tr><th>Received</th><th>From</th><th>To</th><th>Subject</th></tr></thead><tbody>${rows}</tbody></table>`
    : `<p class="muted">No messages yet. Send mail to this catcher's SMTP port.</p>`;
  return page("Mail catcher", `<h1>Mail catcher</h1><p class="muted">${messages.length} message(s), kept in memory only.</p>${table}`, true);
}

function renderMessage(m: CaughtMessage): string {
  const field = (label: string, value: string): string => `<tr><th>${label}</th><td>${escapeHtml(value)}</td></tr>`;
  const htmlPart = m.html !== null ? `<h2>HTML</h2><iframe sandbox="" referrerpolicy="no-referrer" srcdoc="${escapeHtml(m.html)}"></iframe>` : "";
  const textPart = m.text !== null ? `<h2>Text</h2><pre>${escapeHtml(m.text)}</pre>` : "";
  const attachments = m.attachments.length
    ? `<h2>Attachments</h2><ul>${m.attachments.map((a) => `<li>${escapeHtml(a.filename ?? "(unnamed)")} · ${escapeHtml(a.contentType)} · ${a.size} bytes</li>`).join("")}</ul>`
    : "";
  const headers = `<h2>Headers</h2><pre>${escapeHtml(m.headers.map((h) => h.line).join("\n"))}</pre>`;
  return page(
    m.subject || "(no subject)",
    `<p><a href="/">&larr; all messages</a> · <a href="/api/messages/${m.id}/raw">raw</a></p>
<h1>${escapeHtml(m.subject || "(no subject)")}</h1>
<table>${field("From", formatAddresses(m.from))}${field("To", formatAddresses(m.to))}${m.cc.length ? field("Cc", formatAddresses(m.cc)) : ""}${field("Envelope", `${m.envelope.from ?? "<>"} → ${m.envelope.to.join(", ")}`)}${field("Received", m.receivedAt)}</table>
${textPart}${htmlPart}${attachments}${headers}`,
  );
}

function withoutRaw(m: CaughtMessage): Omit<CaughtMessage, "raw"> {
  const { raw: _raw, ...rest } = m;
  return rest;
}

export interface MailWebOptions {
  store: MailStore;
  logger: Logger;
}

/** The Express app of the catcher's web page and JSON API. Never listens itself. */
export function createMailWebApp(options: MailWebOptions): express.Express {
  const { store } = options;
  const metrics = createMetrics({ service: "mail", collectDefaults: false });
  const app = express();
  app.disable("x-powered-by");
  app.use(requestId());
  app.use(metrics.middleware);
  app.use(healthRouter({ service: "mail" }));
  app.get("/metrics", metrics.handler);

  app.get("/api/messages", (req: Request, res: Response) => {
    const { to } = parseOrThrow(ListQuerySchema, req.query, "Invalid query");
    const all = store.list().reverse();
    const matching = to ? all.filter((m) => isAddressedTo(m, to)) : all;
    res.json({ total: matching.length, messages: matching.map(summarize) });
  });
  app.get("/api/messages/:id", (req: Request, res: Response) => {
    res.json(withoutRaw(findMessage(store, req.params.id)));
  });
  app.get("/api/messages/:id/raw", (req: Request, res: Response) => {
    const message = findMessage(store, req.params.id);
    res.setHeader("content-type", "message/rfc822");
    res.setHeader("content-disposition", `attachment; filename="${message.id}.eml"`);
    res.send(message.raw);
  });
  app.delete("/api/messages", (_req: Request, res: Response) => {
    res.json({ deleted: store.clear() });
  });

  const html = (res: Response, body: string): void => {
    res.setHeader("content-security-policy", CSP);
    res.setHeader("x-content-type-options", "nosniff");
    res.setHeader("cache-control", "no-store");
    res.type("html").send(body);
  };
  app.get("/", (_req: Request, res: Response) => html(res, renderList(store.list())));
  app.get("/messages/:id", (req: Request, res: Response) => html(res, renderMessage(findMessage(store, req.params.id))));

  app.use(notFoundHandler());
  app.use(errorHandler({ logger: options.logger }));
  return app;
}
