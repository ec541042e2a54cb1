/**
 * E-mail templates: every message has a subject, a plain-text part and an HTML
 * part, rendered at send time from the outbox row's template name and its
 * (decrypted) variables. Variables are checked with zod per template and every
 * value is HTML-escaped in the HTML part. English only for now: any other
 * locale falls back to English (the locale is kept on the row for later).
 */
import { z } from "zod";
import { escapeHtml } from "../../../common/src/mail";
import { isRightsTemplateName, RIGHTS_TEMPLATE_VARIABLES, rightsBodyFor } from "../rights/templates";

const url = z.string().url();
const text = z.string().min(1).max(500);

export const TEMPLATE_VARIABLES = {
  email_verification: z.object({ displayName: text, verifyUrl: url, expiresInHours: z.number().int().positive() }),
  team_invitation: z.object({ organization: text, inviterName: text, role: text, acceptUrl: url, expiresAt: text }),
  welcome_1: z.object({ organization: text, displayName: text, dashboardUrl: url }),
  welcome_2: z.object({ organization: text, displayName: text, integrationsUrl: url }),
  welcome_3: z.object({ organization: text, displayName: text, documentsUrl: url }),
  member_updated: z.object({ organization: text, displayName: text, role: text, status: text, dashboardUrl: url }),
  // Scheduled events, trial expiry and usage (handlers/src/scheduling, handlers/src/usage).
  scheduled_reminder: z.object({ organization: text, displayName: text, title: text, message: z.string().max(2000), dueAt: text.optional(), dashboardUrl: url }),
  trial_expiry_notice: z.object({ organization: text, displayName: text, expiresAt: text, deletesAfter: text, billingUrl: url }),
  usage_over_quota: z.object({ organization: text, displayName: text, period: text, lines: z.array(text).min(1).max(10), billingUrl: url }),
  ...RIGHTS_TEMPLATE_VARIABLES,
} as const;

export type TemplateName = keyof typeof TEMPLATE_VARIABLES;
export type TemplateVariables<T extends TemplateName> = z.infer<(typeof TEMPLATE_VARIABLES)[T]>;

export function isTemplateName(value: string): value is TemplateName {
  return Object.prototype.hasOwnProperty.call(TEMPLATE_VARIABLES, value);
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** A paragraph list plus an optional call to action, as text and as HTML. */
interface Body {
  subject: string;
  greeting: string;
  paragraphs: string[];
  action?: { label: string; url: string };
  footer: string;
}

function toRendered(body: Body): RenderedEmail {
  const textParts = [body.greeting, "", ...body.paragraphs.flatMap((p) => [p, ""])];
  if (body.action) textParts.push(`${body.action.label}: ${body.action.url}`, "");
  textParts.push("--", body.footer);
  const html = [
    "<!doctype html>",
    `<html><head><meta charset="utf-8"><title>${escapeHtml(body.subject)}</title></head>`,
    '<body style="font-family: sans-serif; line-height: 1.5; max-width: 36em">',
    `<p>${escapeHtml(body.greeting)}</p>`,
    ...body.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    body.action ? `<p><a href="${escapeHtml(body.action.url)}">${escapeHtml(body.action.label)}</a></p>` : "",
    `<hr><p style="color: #666; font-size: 0.9em">${escapeHtml(body.footer)}</p>`,
    "</body></html>",
  ].join("\n");
  return { subject: body.subject, text: textParts.join("\n"), html };
}

const FOOTER = "You receive this message because of your account on the privacy platform.";

function bodyFor(name: TemplateName, raw: unknown): Body {
  if (isRightsTemplateName(name)) return rightsBodyFor(name, raw);
  switch (name) {
    case "email_verification": {
      const v = TEMPLATE_VARIABLES.email_verification.parse(raw);
      return {
        subject: "Confirm your e-mail address",
        greeting: `Hello ${v.displayName},`,
        paragraphs: [`Please confirm that this address belongs to you. The link works for ${v.expiresInHours} hours.`, "If you did not create an account, ignore this message."],
        action: { label: "Confirm my address", url: v.verifyUrl },
        footer: FOOTER,
      };
    }
    case "team_invitation": {
      const v = TEMPLATE_VARIABLES.team_invitation.parse(raw);
      return {
        subject: `${v.inviterName} invited you to ${v.organization}`,
        greeting: "Hello,",
        paragraphs: [`${v.inviterName} invited you to join ${v.organization} as ${v.role}.`, `The invitation expires on ${v.expiresAt}.`],
        action: { label: "Accept the invitation", url: v.acceptUrl },
        footer: "You receive this message because someone invited this address. If you do not know them, ignore it.",
      };
    }
    case "welcome_1": {
      const v = TEMPLATE_VARIABLES.welcome_1.parse(raw);
      return {
        subject: `Welcome: ${v.organization} is ready`,
        greeting: `Hello ${v.displayName},`,
        paragraphs: [`${v.organization} is set up with default purposes, a draft cookie banner and retention rules.`, "Next: review them and connect your first integration."],
        action: { label: "Open the dashboard", url: v.dashboardUrl },
        footer: FOOTER,
      };
    }
    case "welcome_2": {
      const v = TEMPLATE_VARIABLES.welcome_2.parse(raw);
      return {
        subject: `Connect your first integration to ${v.organization}`,
        greeting: `Hello ${v.displayName},`,
        paragraphs: ["Every webhook from Shopify, Stripe, Mailchimp and the others becomes an entry in your record of processing, linked to the person without storing their identifiers in clear."],
        action: { label: "Connect an integration", url: v.integrationsUrl },
        footer: FOOTER,
      };
    }
    case "welcome_3": {
      const v = TEMPLATE_VARIABLES.welcome_3.parse(raw);
      return {
        subject: `Publish the privacy notice of ${v.organization}`,
        greeting: `Hello ${v.displayName},`,
        paragraphs: ["Your privacy notice and record of processing are generated from your purposes and integrations. Review and publish them."],
        action: { label: "Review the documents", url: v.documentsUrl },
        footer: FOOTER,
      };
    }
    case "member_updated": {
      const v = TEMPLATE_VARIABLES.member_updated.parse(raw);
      return {
        subject: `Your access to ${v.organization} changed`,
        greeting: `Hello ${v.displayName},`,
        paragraphs: [`Your role in ${v.organization} is now ${v.role} and your membership is ${v.status}.`, "If you did not expect this change, contact an owner of the organization."],
        action: { label: "Open the dashboard", url: v.dashboardUrl },
        footer: FOOTER,
      };
    }
    case "scheduled_reminder": {
      const v = TEMPLATE_VARIABLES.scheduled_reminder.parse(raw);
      return {
        subject: `${v.organization}: ${v.title}`,
        greeting: `Hello ${v.displayName},`,
        paragraphs: [v.message || v.title, ...(v.dueAt ? [`Due: ${v.dueAt}.`] : [])],
        action: { label: "Open the dashboard", url: v.dashboardUrl },
        footer: FOOTER,
      };
    }
    case "trial_expiry_notice": {
      const v = TEMPLATE_VARIABLES.trial_expiry_notice.parse(raw);
      return {
        subject: `The trial of ${v.organization} ends on ${v.expiresAt}`,
        greeting: `Hello ${v.displayName},`,
        paragraphs: [
          `The trial of ${v.organization} ends on ${v.expiresAt}.`,
          `Unless you choose a plan, the organization and everything it holds (processing records, data subjects, rights requests, consent records) are deleted permanently after ${v.deletesAfter}.`,
        ],
        action: { label: "Choose a plan", url: v.billingUrl },
        footer: FOOTER,
      };
    }
    case "usage_over_quota": {
      const v = TEMPLATE_VARIABLES.usage_over_quota.parse(raw);
      return {
        subject: `${v.organization} went over its plan in ${v.period}`,
        greeting: `Hello ${v.displayName},`,
        paragraphs: [`In ${v.period}, ${v.organization} used more than its plan includes:`, ...v.lines, "Nothing is blocked; consider a larger plan."],
        action: { label: "Review the plan", url: v.billingUrl },
        footer: FOOTER,
      };
    }
    default: {
      const unreachable: never = name;
      throw new Error(`[handlers/mail] unknown template ${String(unreachable)}`);
    }
  }
}

/**
 * Renders a template. Throws a ZodError when the variables do not fit the
 * template (the outbox records it and the message is not sent).
 */
export function renderEmail(name: TemplateName, variables: unknown): RenderedEmail {
  return toRendered(bodyFor(name, variables));
}
