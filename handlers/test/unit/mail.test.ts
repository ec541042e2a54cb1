import { parseKeyRing, decryptSecret } from "../../../common/src/crypto";
import { describeSendError, retryDelayMs } from "../../src/mail/deliver-due-emails";
import { OUTBOX_CONTEXT, outboxRow } from "../../src/mail/outbox";
import { renderEmail } from "../../src/mail/templates";

describe("renderEmail", () => {
  it("renderEmail gives a subject, a text part and an HTML part with every value escaped", () => {
    const rendered = renderEmail("team_invitation", {
      organization: "Tom & Jerry <Ltd>",
      inviterName: 'Eve "the admin"',
      role: "viewer",
      acceptUrl: "https://app.example/invitations/accept?token=abc&x=1",
      expiresAt: "2026-04-01",
    });
    expect(rendered.subject).toBe('Eve "the admin" invited you to Tom & Jerry <Ltd>');
    expect(rendered.text).toBe(
      [
        "Hello,",
        "",
        'Eve "the admin" invited you to join Tom & Jerry <Ltd> as viewer.',
        "",
        "The invitation expires on 2026-04-01.",
        "",
        "Accept the invitation: https://app.example/invitations/accept?token=abc&x=1",
        "",
        "--",
        "You receive this message because someone invited this address. If you do not know them, ignore it.",
      ].join("\n"),
    );
    expect(rendered.html).toContain("<p>Eve &quot;the admin&quot; invited you to join Tom &amp; Jerry &lt;Ltd&gt; as viewer.</p>");
    expect(rendered.html).toContain('<a href="https://app.example/invitations/accept?token=abc&amp;x=1">Accept the invitation</a>');
    expect(rendered.html).not.toContain("<Ltd>");
  });

  it("renderEmail refuses variables that do not fit the template", () => {
    expect(() => renderEmail("email_verification", { displayName: "A", verifyUrl: "not a url", expiresInHours: 48 })).toThrow();
    expect(() => renderEmail("welcome_1", {})).toThrow();
  });
});

describe("outboxRow", () => {
  it("outboxRow stores the recipient and variables only encrypted, each bound to its column", () => {
    const keys = parseKeyRing(`k1:${Buffer.alloc(32, 9).toString("base64url")}`);
    const now = new Date("2026-01-01T00:00:00Z");
    const row = outboxRow(
      { controllerId: null, to: "jane@example.org", template: "welcome_1", variables: { organization: "O", displayName: "Jane", dashboardUrl: "https://a.example/" }, idempotencyKey: "k" },
      keys,
      now,
    );
    expect(JSON.stringify(row)).not.toContain("jane@example.org");
    expect(row).toMatchObject({ template: "welcome_1", locale: "en", status: "pending", nextAttemptAt: "2026-01-01T00:00:00.000Z", idempotencyKey: "k" });
    expect(decryptSecret(String(row.recipientEncrypted), keys, OUTBOX_CONTEXT.recipient)).toBe("jane@example.org");
    expect(() => decryptSecret(String(row.recipientEncrypted), keys, OUTBOX_CONTEXT.variables)).toThrow();
    expect(JSON.parse(decryptSecret(String(row.variablesEncrypted), keys, OUTBOX_CONTEXT.variables))).toEqual({ organization: "O", displayName: "Jane", dashboardUrl: "https://a.example/" });
  });
});

describe("sender helpers", () => {
  it("retryDelayMs doubles from 30 s and stops at one hour", () => {
    expect([1, 2, 3, 4, 8, 20].map(retryDelayMs)).toEqual([30_000, 60_000, 120_000, 240_000, 3_600_000, 3_600_000]);
  });

  it("describeSendError keeps the SMTP code and drops addresses", () => {
    const err = Object.assign(new Error("Can't send mail - all recipients were rejected: 550 5.1.1 <jane.doe@example.org>: Recipient address rejected"), { code: "EENVELOPE", responseCode: 550 });
    expect(describeSendError(err)).toBe("EENVELOPE 550: Can't send mail - all recipients were rejected: 550 5.1.1 <<address>>: Recipient address rejected");
    expect(describeSendError("boom")).toBe("send failed");
  });
});
