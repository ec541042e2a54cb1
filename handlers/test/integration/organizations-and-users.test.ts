import { createHash, randomUUID } from "node:crypto";
import type { CaughtMessage } from "../../../common/src/mail";
import { createSmtpTransport } from "../../src/adapters/mailer";
import { deliverDueEmails } from "../../src/mail/deliver-due-emails";
import { verifyEmailVerificationToken } from "../../src/users/email-verification-token";
import { APP_BASE_URL, MAIL_FROM, startStack, type Stack } from "../helpers/stack";
import { asSession, insertController, insertUser } from "../helpers/seed";

const TRIGGERS = [
  "auth_users_insert",
  "data_controllers_insert",
  "data_controller_create_user",
  "data_controller_users_update",
  "domain_verification_cors_sync",
  "data_controller_details_update",
];

function linkIn(message: CaughtMessage, path: string): URL {
  const match = new RegExp(`${APP_BASE_URL.replace(/\./g, "\\.")}${path}\\?token=[A-Za-z0-9_.-]+`).exec(message.text ?? "");
  if (!match) throw new Error(`no ${path} link in the message`);
  return new URL(match[0]);
}

describe("organizations, users, invitations, domains and e-mail through the engine and a real SMTP server", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.close();
  });
  const settle = () => stack.waitFor(() => stack.settled(TRIGGERS));

  it("data_controllers_insert sets up purposes, a draft banner, retention, tag manager, the creator's ownership and the welcome sequence", async () => {
    const creator = await insertUser(stack, "founder@acme.test", { displayName: "Fay Founder", emailVerified: true });
    const controllerId = randomUUID();
    await asSession(stack, { "x-hasura-role": "user", "x-hasura-user-id": creator },
      `insert into public.data_controllers (id, title, did, dx_key_hash, webhook_secret_encrypted, plan, trial_expires_at)
       values ($1, 'Acme Kites', $2, $3, 'gcm1.t.a.b.c', 'trial', now() + interval '14 days')`,
      [controllerId, `did:web:${controllerId}.test`, "b".repeat(64)]);
    await settle();

    expect(await stack.query("select slug, legal_basis, retention_days from public.purposes where controller_id = $1 order by slug", [controllerId])).toEqual([
      { slug: "analytics", legal_basis: "consent", retention_days: 395 },
      { slug: "legal_obligations", legal_basis: "legal_obligation", retention_days: null },
      { slug: "marketing", legal_basis: "consent", retention_days: 730 },
      { slug: "security", legal_basis: "legitimate_interests", retention_days: 365 },
      { slug: "service_delivery", legal_basis: "contract", retention_days: 1095 },
    ]);
    expect(await stack.query(
      `select f.slug as form, f.status, f.regime, c.slug, c.is_required, c.default_granted, p.slug as purpose
         from public.consent_forms f join public.consent_categories c on c.form_id = f.id left join public.purposes p on p.id = c.purpose_id
        where f.controller_id = $1 order by c.position`, [controllerId])).toEqual([
      { form: "cookie-banner", status: "draft", regime: "opt_in", slug: "necessary", is_required: true, default_granted: true, purpose: "security" },
      { form: "cookie-banner", status: "draft", regime: "opt_in", slug: "analytics", is_required: false, default_granted: false, purpose: "analytics" },
      { form: "cookie-banner", status: "draft", regime: "opt_in", slug: "marketing", is_required: false, default_granted: false, purpose: "marketing" },
    ]);
    expect(await stack.query("select p.slug, r.retention_days, r.action from public.retention_policies r join public.purposes p on p.id = r.purpose_id where r.controller_id = $1 order by p.slug", [controllerId])).toEqual([
      { slug: "analytics", retention_days: 395, action: "delete" },
      { slug: "marketing", retention_days: 730, action: "delete" },
      { slug: "security", retention_days: 365, action: "delete" },
      { slug: "service_delivery", retention_days: 1095, action: "delete" },
    ]);
    expect(await stack.query("select provider, status, container_id from public.tag_manager_accounts where controller_id = $1", [controllerId])).toEqual([
      { provider: "google_tag_manager", status: "disconnected", container_id: "unassigned" },
    ]);
    expect(await stack.query("select user_id, role, status from public.data_controller_users where controller_id = $1", [controllerId])).toEqual([{ user_id: creator, role: "owner", status: "active" }]);
    expect(await stack.query("select legal_name from public.data_controller_details where controller_id = $1", [controllerId])).toEqual([{ legal_name: "Acme Kites" }]);
    const outbox = await stack.query<{ template: string; next_attempt_at: Date; recipient_encrypted: string }>(
      "select template, next_attempt_at, recipient_encrypted from public.email_outbox where controller_id = $1 order by next_attempt_at", [controllerId]);
    expect(outbox.map((o) => o.template)).toEqual(["welcome_1", "welcome_2", "welcome_3"]);
    expect(outbox.map((o) => (o.next_attempt_at.getTime() - stack.clock.now.getTime()) / 86_400_000)).toEqual([0, 2, 7]);
    expect(JSON.stringify(outbox)).not.toContain("founder@acme.test");

    expect(await stack.sendEmails()).toEqual({ sent: 1, failed: 0, skipped: 0 });
    const welcome = await stack.smtp.waitForMessageTo("founder@acme.test");
    expect(welcome.subject).toBe("Welcome: Acme Kites is ready");
    expect(welcome.text).toContain("Hello Fay Founder,");
    expect(welcome.html).toContain(`<a href="${APP_BASE_URL}/">Open the dashboard</a>`);
    stack.clock.now = new Date(stack.clock.now.getTime() + 2 * 86_400_000);
    expect(await stack.sendEmails()).toEqual({ sent: 1, failed: 0, skipped: 0 });
    await stack.smtp.waitForMessage((m) => m.subject === "Connect your first integration to Acme Kites");
  });

  it("auth_users_insert names the account, turns pending invitations into memberships and sends a verification link that verifies", async () => {
    const controllerId = await insertController(stack, { title: "Birch Books" });
    await stack.query("insert into public.team_invitations (controller_id, email, role) values ($1, 'new.hire@birch.test', 'admin')", [controllerId]);
    await settle();
    const userId = await insertUser(stack, "New.Hire@Birch.test");
    await settle();

    expect(await stack.query("select display_name from auth.users where id = $1", [userId])).toEqual([{ display_name: "New.Hire" }]);
    expect(await stack.query("select role, status from public.data_controller_users where user_id = $1", [userId])).toEqual([{ role: "admin", status: "active" }]);
    expect(await stack.query("select status, accepted_by_user_id from public.team_invitations where controller_id = $1", [controllerId])).toEqual([{ status: "accepted", accepted_by_user_id: userId }]);

    await stack.sendEmails();
    const verification = await stack.smtp.waitForMessage((m) => m.subject === "Confirm your e-mail address");
    expect(verification.text).toContain("Hello New.Hire,");
    const token = linkIn(verification, "/verify-email").searchParams.get("token") ?? "";
    expect(await verifyEmailVerificationToken(token, { email: "new.hire@birch.test", now: stack.clock.now }, stack.secretKeys)).toEqual({ ok: true, userId });
    expect(await verifyEmailVerificationToken(token, { email: "other@birch.test", now: stack.clock.now }, stack.secretKeys)).toEqual({ ok: false, reason: "address_changed" });
  });

  it("data_controller_create_user mails a single-use token (only its hash stored) and provisions an existing account at once", async () => {
    const controllerId = await insertController(stack, { title: "Cedar Cafe" });
    const inviter = await insertUser(stack, "owner@cedar.test", { displayName: "Olga Owner", emailVerified: true });
    const invitee = await insertUser(stack, "barista@elsewhere.test", { displayName: "Ben", emailVerified: true });
    await settle();
    await stack.query("insert into public.team_invitations (controller_id, email, role, invited_by_user_id) values ($1, 'Barista@Elsewhere.test', 'member', $2)", [controllerId, inviter]);
    await settle();
    expect(await stack.query("select role from public.data_controller_users where controller_id = $1 and user_id = $2", [controllerId, invitee])).toEqual([{ role: "member" }]);
    await stack.sendEmails();
    const invitation = await stack.smtp.waitForMessage((m) => m.subject === "Olga Owner invited you to Cedar Cafe");
    expect(invitation.text).toContain("Olga Owner invited you to join Cedar Cafe as member.");
    const token = linkIn(invitation, "/invitations/accept").searchParams.get("token") ?? "";
    const stored = await stack.query<{ token_hash: string }>("select token_hash from public.team_invitations where controller_id = $1", [controllerId]);
    expect(stored).toEqual([{ token_hash: createHash("sha256").update(token).digest("hex") }]);
  });

  it("data_controller_users_update e-mails the member about the new role", async () => {
    const controllerId = await insertController(stack, { title: "Dune Dive" });
    const member = await insertUser(stack, "diver@dune.test", { displayName: "Dee", emailVerified: true });
    await stack.query("insert into public.data_controller_users (controller_id, user_id, role) values ($1, $2, 'member')", [controllerId, member]);
    await stack.query("update public.data_controller_users set role = 'admin' where controller_id = $1", [controllerId]);
    await settle();
    await stack.sendEmails();
    const message = await stack.smtp.waitForMessage((m) => m.subject === "Your access to Dune Dive changed");
    expect(message.text).toContain("Your role in Dune Dive is now admin and your membership is active.");
  });

  it("domain_verification_cors_sync adds a verified domain's origin and removes it when verification fails", async () => {
    const controllerId = await insertController(stack, { title: "Elm Estates" });
    const [{ id }] = await stack.query<{ id: string }>("insert into public.domain_verifications (controller_id, domain) values ($1, 'shop.elm.test') returning id", [controllerId]);
    await stack.query("update public.domain_verifications set status = 'verified', verified_at = now() where id = $1", [id]);
    await settle();
    expect(await stack.query("select origin, domain_verification_id from public.cors_allowed_origins where controller_id = $1", [controllerId])).toEqual([
      { origin: "https://shop.elm.test", domain_verification_id: id },
    ]);
    await stack.query("update public.domain_verifications set status = 'failed' where id = $1", [id]);
    await settle();
    expect(await stack.query("select origin from public.cors_allowed_origins where controller_id = $1", [controllerId])).toEqual([]);
  });

  it("data_controller_details_update moves the profile version and queues document and purpose regeneration once", async () => {
    const controllerId = await insertController(stack, { title: "Fir Farm" });
    await stack.query("insert into public.data_controller_details (controller_id, legal_name) values ($1, 'Fir Farm')", [controllerId]);
    await stack.query("update public.data_controller_details set dpo_email = 'dpo@fir.test' where controller_id = $1", [controllerId]);
    await settle();
    expect(await stack.query("select profile_version from public.data_controller_details where controller_id = $1", [controllerId])).toEqual([{ profile_version: 1 }]);
    expect(await stack.query("select reference, payload from public.scheduled_events where controller_id = $1 order by reference", [controllerId])).toEqual([
      { reference: "regenerate_documents", payload: { profileVersion: 1, changedFields: ["dpo_email"] } },
      { reference: "regenerate_purposes", payload: { profileVersion: 1, changedFields: ["dpo_email"] } },
    ]);
  });

  it("when SMTP is down the message stays in the outbox with the reason (no address) and goes out on a later pass", async () => {
    const userId = await insertUser(stack, "late.reader@gale.test");
    await settle();
    const down = createSmtpTransport("smtp://127.0.0.1:1", { timeoutMs: 2000 });
    const failed = await deliverDueEmails({ sdk: stack.sdk, transport: down, secretKeys: stack.secretKeys, from: MAIL_FROM, now: () => stack.clock.now, logger: stack.logger });
    down.close();
    expect(failed).toEqual({ sent: 0, failed: 1, skipped: 0 });
    const [row] = await stack.query<{ status: string; attempts: number; last_error: string; next_attempt_at: Date }>(
      "select status, attempts, last_error, next_attempt_at from public.email_outbox where idempotency_key = $1", [`email-verification:${userId}`]);
    expect(row).toMatchObject({ status: "failed", attempts: 1 });
    expect(row.last_error).toMatch(/^ECONNREFUSED|^ESOCKET|^ECONNECTION/);
    expect(row.last_error).not.toContain("late.reader");
    expect(row.next_attempt_at.getTime() - stack.clock.now.getTime()).toBe(30_000);
    expect(await stack.sendEmails()).toEqual({ sent: 0, failed: 0, skipped: 0 });
    stack.clock.now = new Date(stack.clock.now.getTime() + 30_000);
    expect(await stack.sendEmails()).toEqual({ sent: 1, failed: 0, skipped: 0 });
    await stack.smtp.waitForMessageTo("late.reader@gale.test");
    expect(await stack.query("select status, attempts, last_error from public.email_outbox where idempotency_key = $1", [`email-verification:${userId}`])).toEqual([
      { status: "sent", attempts: 2, last_error: null },
    ]);
  });

  it("redelivering every event of these triggers answers 200, changes no row and sends no second e-mail", async () => {
    await settle();
    await stack.sendEmails();
    const tables = ["purposes", "consent_forms", "consent_categories", "retention_policies", "tag_manager_accounts", "data_controller_users", "team_invitations",
      "email_outbox", "scheduled_events", "cors_allowed_origins", "data_controller_details"];
    const snapshot = async () => {
      const result: Record<string, unknown[]> = {};
      for (const t of tables) result[t] = await stack.query(`select * from public.${t} order by id`);
      result.users = await stack.query("select * from auth.users order by id");
      return result;
    };
    const before = await snapshot();
    const mailsBefore = stack.smtp.messages().length;
    for (const trigger of TRIGGERS) {
      const statuses = await stack.redeliver(trigger);
      expect(statuses.length).toBeGreaterThan(0);
      expect(new Set(statuses)).toEqual(new Set([200]));
    }
    expect(await stack.sendEmails()).toEqual({ sent: 0, failed: 0, skipped: 0 });
    expect(await snapshot()).toEqual(before);
    expect(stack.smtp.messages()).toHaveLength(mailsBefore);
  });

  it("no address, token or name of these tests reached a log line", () => {
    const logs = stack.logLines.join("\n").toLowerCase();
    expect(logs).toContain("user onboarded");
    for (const raw of ["founder@acme.test", "new.hire@birch.test", "barista@elsewhere.test", "diver@dune.test", "late.reader@gale.test", "fay founder", "token="]) {
      expect(logs).not.toContain(raw);
    }
  });
});
