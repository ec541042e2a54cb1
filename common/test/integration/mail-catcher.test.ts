import nodemailer from "nodemailer";
import request from "supertest";
import { startMailCatcher } from "../../src/mail";
import { startTestSmtp } from "../../../test/helpers/smtp";
import type { TestSmtp } from "../../../test/helpers/smtp";

describe("mail catcher", () => {
  let smtp: TestSmtp;

  beforeAll(async () => {
    smtp = await startTestSmtp();
  });
  afterAll(async () => {
    await smtp.stop();
  });
  beforeEach(() => smtp.clear());

  function transport(url = smtp.smtpUrl) {
    return nodemailer.createTransport(url);
  }

  it("receives a message sent with nodemailer over real SMTP and lists it on the JSON API", async () => {
    const info = await transport().sendMail({
      from: '"Privacy Team" <privacy@controller.example>',
      to: "subject@example.org",
      cc: "dpo@controller.example",
      subject: "Verify your request",
      text: "Open https://tc.example/verify?t=abc to confirm.",
      html: "<p>Open <a href=\"https://tc.example/verify?t=abc\">this link</a> to confirm.</p>",
      attachments: [{ filename: "export.json", content: '{"a":1}', contentType: "application/json" }],
    });
    expect(info.accepted).toEqual(["subject@example.org", "dpo@controller.example"]);

    const caught = await smtp.waitForMessageTo("subject@example.org");
    expect(caught.subject).toBe("Verify your request");
    expect(caught.envelope).toEqual({ from: "privacy@controller.example", to: ["subject@example.org", "dpo@controller.example"] });
    expect(caught.from).toEqual([{ name: "Privacy Team", address: "privacy@controller.example" }]);
    expect(caught.text).toBe("Open https://tc.example/verify?t=abc to confirm.");

    const list = await request(smtp.webUrl).get("/api/messages").expect(200);
    expect(list.body.total).toBe(1);
    expect(list.body.messages[0]).toEqual({
      id: caught.id,
      receivedAt: caught.receivedAt,
      envelope: { from: "privacy@controller.example", to: ["subject@example.org", "dpo@controller.example"] },
      from: [{ name: "Privacy Team", address: "privacy@controller.example" }],
      to: [{ name: "", address: "subject@example.org" }],
      subject: "Verify your request",
      size: caught.size,
      hasHtml: true,
      attachmentCount: 1,
    });

    const one = await request(smtp.webUrl).get(`/api/messages/${caught.id}`).expect(200);
    expect(one.body.cc).toEqual([{ name: "", address: "dpo@controller.example" }]);
    expect(one.body.html).toBe('<p>Open <a href="https://tc.example/verify?t=abc">this link</a> to confirm.</p>');
    expect(one.body.attachments).toEqual([{ filename: "export.json", contentType: "application/json", size: 7 }]);
    expect(one.body.raw).toBeUndefined();

    const raw = await fetch(`${smtp.webUrl}/api/messages/${caught.id}/raw`);
    expect(raw.status).toBe(200);
    expect(raw.headers.get("content-type")).toBe("message/rfc822");
    expect(await raw.text()).toContain("Subject: Verify your request");
  });

  it("filters by recipient and accepts SMTP AUTH credentials in the URL", async () => {
    const authed = transport(smtp.smtpUrl.replace("smtp://", "smtp://mailer:s3cret@"));
    await authed.sendMail({ from: "a@controller.example", to: "one@example.org", subject: "first", text: "1" });
    await authed.sendMail({ from: "a@controller.example", to: "two@example.org", subject: "second", text: "2" });
    await smtp.waitForMessageTo("two@example.org");

    const filtered = await request(smtp.webUrl).get("/api/messages").query({ to: "TWO@example.org" }).expect(200);
    expect(filtered.body.total).toBe(1);
    expect(filtered.body.messages[0].subject).toBe("second");

    const all = await request(smtp.webUrl).get("/api/messages").expect(200);
    expect(all.body.messages.map((m: { subject: string }) => m.subject)).toEqual(["second", "first"]);
  });

  it("shows messages on the web page with their content escaped and HTML bodies sandboxed", async () => {
    await transport().sendMail({
      from: "a@controller.example",
      to: "page@example.org",
      subject: "<script>alert(1)</script> Your export",
      text: "plain <b>text</b>",
      html: '<img src="https://tracker.example/pixel.gif"><script>steal()</script><p>Hello</p>',
    });
    const caught = await smtp.waitForMessageTo("page@example.org");

    const list = await request(smtp.webUrl).get("/").expect(200);
    expect(list.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(list.headers["content-security-policy"]).toContain("default-src 'none'");
    expect(list.text).toContain(`<a href="/messages/${caught.id}">&lt;script&gt;alert(1)&lt;/script&gt; Your export</a>`);
    expect(list.text).not.toContain("<script>alert(1)</script>");

    const view = await request(smtp.webUrl).get(`/messages/${caught.id}`).expect(200);
    expect(view.text).toContain("<pre>plain &lt;b&gt;text&lt;/b&gt;</pre>");
    expect(view.text).toContain('<iframe sandbox="" referrerpolicy="no-referrer" srcdoc="&lt;img src=&quot;https://tracker.example/pixel.gif&quot;&gt;');
    expect(view.text).not.toContain("<script>steal()</script>");
  });

  it("answers 404 with a JSON error for an unknown message and 400 for a bad filter", async () => {
    const missing = await request(smtp.webUrl).get("/api/messages/6f1c1d1e-0000-4000-8000-000000000000").expect(404);
    expect(missing.body.error).toMatchObject({ code: "not_found", message: "No such message" });
    const notAnId = await request(smtp.webUrl).get("/api/messages/..%2F..%2Fetc").expect(404);
    expect(notAnId.body.error.code).toBe("not_found");
    const bad = await request(smtp.webUrl).get("/api/messages").query({ to: "x" }).expect(400);
    expect(bad.body.error).toMatchObject({ code: "validation_failed", issues: [{ path: "to" }] });
    const page = await request(smtp.webUrl).get("/messages/unknown").expect(404);
    expect(page.body.error.code).toBe("not_found");
  });

  it("deletes every message and reports how many", async () => {
    await transport().sendMail({ from: "a@controller.example", to: "del@example.org", subject: "bye", text: "x" });
    await smtp.waitForMessageTo("del@example.org");
    const res = await request(smtp.webUrl).delete("/api/messages").expect(200);
    expect(res.body).toEqual({ deleted: 1 });
    expect(smtp.messages()).toEqual([]);
  });

  it("answers /healthz and rejects mail over the size limit with SMTP 552", async () => {
    await request(smtp.webUrl).get("/healthz").expect(200, { status: "ok", service: "mail" });
    const small = await startMailCatcher({ smtpPort: 0, webPort: 0, maxMessageBytes: 1024 });
    try {
      await expect(
        transport(small.smtpUrl).sendMail({ from: "a@controller.example", to: "big@example.org", subject: "big", text: "x".repeat(5000) }),
      ).rejects.toMatchObject({ responseCode: 552 });
      expect(small.messages()).toEqual([]);
    } finally {
      await small.stop();
    }
  });

  it("waitForMessage rejects when nothing matching arrives in time", async () => {
    await expect(smtp.waitForMessageTo("nobody@example.org", 50)).rejects.toThrow("[common/mail] no matching message within 50 ms");
  });
});
