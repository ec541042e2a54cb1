/**
 * E-mail templates of rights requests, merged into the outbox's templates
 * (src/mail/templates.ts). Each says what the law asks the message to say:
 * the CCPA receipt confirmation describes the process, the verification and
 * when to expect an answer (11 CCR 7021(a)); an extension gives the reason
 * (GDPR Art. 12(3), CCPA 1798.130(a)(2)); a refusal gives the reasons and the
 * right to complain and seek a judicial remedy (Art. 12(4)).
 */
import { z } from "zod";

const url = z.string().url();
const text = z.string().min(1).max(500);
const line = z.string().min(1).max(300);

export const RIGHTS_TEMPLATE_VARIABLES = {
  rights_request_verification: z.object({ organization: text, requestLabel: text, verifyUrl: url, expiresInHours: z.number().int().positive(), dueOn: text }),
  rights_request_received: z.object({ organization: text, requestLabel: text, dueOn: text, verificationRequired: z.boolean() }),
  rights_request_team_notice: z.object({ organization: text, requestLabel: text, regime: text, stage: z.enum(["received", "verified"]), dueOn: text, requestUrl: url }),
  rights_request_in_progress: z.object({ organization: text, requestLabel: text, dueOn: text }),
  rights_request_extended: z.object({ organization: text, requestLabel: text, reason: text, extendedDueOn: text }),
  rights_request_completed: z.object({ organization: text, requestLabel: text, summary: text, downloadUrl: url.optional(), downloadExpiresAt: text.optional() }),
  rights_request_refused: z.object({ organization: text, requestLabel: text, reason: text, authority: text }),
  dsar_compliance_alert: z.object({ organization: text, overdue: z.array(line).max(500), dueSoon: z.array(line).max(500), dashboardUrl: url }),
} as const;

export type RightsTemplateName = keyof typeof RIGHTS_TEMPLATE_VARIABLES;

export function isRightsTemplateName(value: string): value is RightsTemplateName {
  return Object.prototype.hasOwnProperty.call(RIGHTS_TEMPLATE_VARIABLES, value);
}

/** The parts src/mail/templates.ts renders as text and HTML. */
export interface RightsEmailBody {
  subject: string;
  greeting: string;
  paragraphs: string[];
  action?: { label: string; url: string };
  footer: string;
}

const FOOTER = "You receive this message because this address was given in a privacy request.";
const TEAM_FOOTER = "You receive this message as an owner, admin or data protection officer of the organization.";

/** Renders the body of a rights template; throws a ZodError when the variables do not fit. */
export function rightsBodyFor(name: RightsTemplateName, raw: unknown): RightsEmailBody {
  switch (name) {
    case "rights_request_verification": {
      const v = RIGHTS_TEMPLATE_VARIABLES.rights_request_verification.parse(raw);
      return {
        subject: `Confirm your ${v.requestLabel} to ${v.organization}`,
        greeting: "Hello,",
        paragraphs: [
          `${v.organization} received a ${v.requestLabel} made with this e-mail address. To protect your data, please confirm that you made it. The link works once, for ${v.expiresInHours} hours.`,
          `${v.organization} must answer by ${v.dueOn}.`,
          "If you did not make this request, ignore this message: nothing will be done.",
        ],
        action: { label: "Confirm my request", url: v.verifyUrl },
        footer: FOOTER,
      };
    }
    case "rights_request_received": {
      const v = RIGHTS_TEMPLATE_VARIABLES.rights_request_received.parse(raw);
      return {
        subject: `${v.organization} received your ${v.requestLabel}`,
        greeting: "Hello,",
        paragraphs: [
          `${v.organization} received your ${v.requestLabel}.`,
          v.verificationRequired
            ? "How it is processed: we first confirm your identity by a single-use link sent to this address in a separate message; once confirmed, we search every system that holds data about you and carry out the request."
            : "How it is processed: this request needs no identity verification; we carry it out in every system that holds data about you.",
          `You can expect our response by ${v.dueOn}. If we need more time, we will tell you why before that date.`,
        ],
        footer: FOOTER,
      };
    }
    case "rights_request_team_notice": {
      const v = RIGHTS_TEMPLATE_VARIABLES.rights_request_team_notice.parse(raw);
      return {
        subject: v.stage === "received" ? `New ${v.requestLabel} (${v.regime}), due ${v.dueOn}` : `Verified ${v.requestLabel} needs action, due ${v.dueOn}`,
        greeting: "Hello,",
        paragraphs: [
          v.stage === "received"
            ? `${v.organization} received a ${v.requestLabel} under ${v.regime}. The requester was asked to confirm their address.`
            : `The requester confirmed their ${v.requestLabel} to ${v.organization}. It needs a decision by your team.`,
          `Legal deadline: ${v.dueOn}.`,
        ],
        action: { label: "Open the request", url: v.requestUrl },
        footer: TEAM_FOOTER,
      };
    }
    case "rights_request_in_progress": {
      const v = RIGHTS_TEMPLATE_VARIABLES.rights_request_in_progress.parse(raw);
      return {
        subject: `Your ${v.requestLabel} to ${v.organization} is confirmed`,
        greeting: "Hello,",
        paragraphs: [`Thank you for confirming. ${v.organization} is now carrying out your ${v.requestLabel} and will answer by ${v.dueOn}.`],
        footer: FOOTER,
      };
    }
    case "rights_request_extended": {
      const v = RIGHTS_TEMPLATE_VARIABLES.rights_request_extended.parse(raw);
      return {
        subject: `${v.organization} needs more time for your ${v.requestLabel}`,
        greeting: "Hello,",
        paragraphs: [`${v.organization} extended the time to answer your ${v.requestLabel} to ${v.extendedDueOn}.`, `The reason: ${v.reason}`],
        footer: FOOTER,
      };
    }
    case "rights_request_completed": {
      const v = RIGHTS_TEMPLATE_VARIABLES.rights_request_completed.parse(raw);
      const paragraphs = [`${v.organization} completed your ${v.requestLabel}.`, v.summary];
      if (v.downloadUrl && v.downloadExpiresAt) paragraphs.push(`Your copy can be downloaded until ${v.downloadExpiresAt}.`);
      return {
        subject: `Your ${v.requestLabel} to ${v.organization} is complete`,
        greeting: "Hello,",
        paragraphs,
        action: v.downloadUrl ? { label: "Download my data", url: v.downloadUrl } : undefined,
        footer: FOOTER,
      };
    }
    case "rights_request_refused": {
      const v = RIGHTS_TEMPLATE_VARIABLES.rights_request_refused.parse(raw);
      return {
        subject: `${v.organization} cannot act on your ${v.requestLabel}`,
        greeting: "Hello,",
        paragraphs: [
          `${v.organization} will not act on your ${v.requestLabel}. The reason: ${v.reason}`,
          `You have the right to lodge a complaint with a supervisory authority (${v.authority}) and to seek a judicial remedy.`,
        ],
        footer: FOOTER,
      };
    }
    case "dsar_compliance_alert": {
      const v = RIGHTS_TEMPLATE_VARIABLES.dsar_compliance_alert.parse(raw);
      const paragraphs: string[] = [];
      if (v.overdue.length > 0) paragraphs.push(`Overdue (${v.overdue.length}):`, ...v.overdue.map((l) => `- ${l}`));
      if (v.dueSoon.length > 0) paragraphs.push(`Due within 7 days (${v.dueSoon.length}):`, ...v.dueSoon.map((l) => `- ${l}`));
      return {
        subject: `${v.organization}: ${v.overdue.length} overdue and ${v.dueSoon.length} soon-due privacy requests`,
        greeting: "Hello,",
        paragraphs,
        action: { label: "Open the requests", url: v.dashboardUrl },
        footer: TEAM_FOOTER,
      };
    }
    default: {
      const unreachable: never = name;
      throw new Error(`[handlers/rights] unknown template ${String(unreachable)}`);
    }
  }
}
