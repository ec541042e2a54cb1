/**
 * The SMTP transport (nodemailer) the outbox sender uses. SMTP_URL may carry
 * credentials (smtp://user:pass@host:587); they are never logged.
 */
import nodemailer from "nodemailer";
import type { MailTransport } from "../mail/deliver-due-emails";

export interface SmtpTransport extends MailTransport {
  close(): void;
}

export function createSmtpTransport(smtpUrl: string, options: { timeoutMs?: number } = {}): SmtpTransport {
  const timeout = options.timeoutMs ?? 10_000;
  const url = new URL(smtpUrl);
  const transporter = nodemailer.createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === "smtps:" ? 465 : 587,
    secure: url.protocol === "smtps:",
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    // The local catcher speaks plain SMTP; a real relay negotiates STARTTLS.
    ignoreTLS: url.hostname === "127.0.0.1" || url.hostname === "localhost",
  });
  return {
    async sendMail(message) {
      const info = await transporter.sendMail(message);
      return { messageId: typeof info.messageId === "string" ? info.messageId : undefined };
    },
    close: () => transporter.close(),
  };
}
