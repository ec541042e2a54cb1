/**
 * Document generation through the real stack: a new organization gets its
 * assessment and documents (generate_v0_profile, generate_controller_documents
 * for its default purposes), an integration adds its purposes and appears as
 * a recipient (generate_controller_purposes), a purpose change makes new
 * versions while the old ones stay exactly as they were, and redelivery or a
 * failed-then-retried delivery stores nothing twice.
 */
import { insertController, insertProcessor } from "../helpers/seed";
import { startStack, type Stack } from "../helpers/stack";

const TRIGGERS = ["data_controllers_insert", "generate_v0_profile", "generate_controller_documents", "generate_controller_purposes"];
const TYPES = ["cookie_policy", "dpa", "privacy_policy", "ropa", "transparency_profile"];

interface DocRow extends Record<string, unknown> {
  id: string;
  document_type: string;
  version: number;
  status: string;
  content: string;
  content_format: string;
  source: { digest: string; trigger: string; profileVersion: number; purposes: Record<string, number>; processors: string[] };
}

describe("generate_v0_profile, generate_controller_purposes and generate_controller_documents through the engine", () => {
  let stack: Stack;
  let controllerId: string;

  const docs = () =>
    stack.query<DocRow>("select id, document_type, version, status, content, content_format, source from public.generated_documents where controller_id = $1 order by document_type, version", [controllerId]);
  const settle = async () => {
    await stack.waitFor(() => stack.settled(TRIGGERS), 30_000);
  };

  beforeAll(async () => {
    stack = await startStack();
    controllerId = await insertController(stack, { title: "Acme Outdoor" });
    await settle();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("a new organization gets version 1 of its assessment and every document, as drafts", async () => {
    const rows = await docs();
    expect(rows.map((r) => [r.document_type, r.version, r.status])).toEqual(TYPES.map((t) => [t, 1, "draft"]));
    const privacy = rows.find((r) => r.document_type === "privacy_policy") as DocRow;
    expect(privacy.content.startsWith("# Privacy notice of Acme Outdoor\n")).toBe(true);
    for (const name of ["Providing our services", "Legal obligations", "Security and fraud prevention", "Analytics", "Marketing communications"]) expect(privacy.content).toContain(`| ${name} |`);
    expect(privacy.content).toContain("withdraw it at any time");
    expect(privacy.source).toMatchObject({ profileVersion: 0, processors: [] });
    expect(Object.keys(privacy.source.purposes).sort()).toEqual(["analytics", "legal_obligations", "marketing", "security", "service_delivery"]);
    const assessment = JSON.parse((rows.find((r) => r.document_type === "transparency_profile") as DocRow).content) as { regime: string; checks: { id: string; status: string }[] };
    expect(assessment.regime).toBe("gdpr_eu");
    expect(assessment.checks.find((c) => c.id === "contact")).toMatchObject({ status: "action_needed" });
    expect(assessment.checks.find((c) => c.id === "purposes")).toMatchObject({ status: "ok" });
    expect(rows.find((r) => r.document_type === "transparency_profile")?.content_format).toBe("json");
  });

  it("an integration adds the purposes it implies and becomes a recipient; old versions are kept unchanged", async () => {
    const before = await docs();
    const mailchimp = await insertProcessor(stack, controllerId, "mailchimp", { legalBasis: "consent", purpose: "email_marketing" });
    await stack.query("update public.data_processors set country_code = 'US' where id = $1", [mailchimp]);
    await settle();
    const purposes = await stack.query<{ slug: string; legal_basis: string }>("select slug, legal_basis from public.purposes where controller_id = $1 and slug = 'email_marketing'", [controllerId]);
    expect(purposes).toEqual([{ slug: "email_marketing", legal_basis: "consent" }]);

    const after = await docs();
    for (const old of before) expect(after.find((r) => r.id === old.id)).toEqual(old);
    const latest = (type: string) => after.filter((r) => r.document_type === type).sort((a, b) => b.version - a.version)[0];
    const privacy = latest("privacy_policy");
    expect(privacy.version).toBeGreaterThanOrEqual(2);
    expect(privacy.content).toContain("E-mail marketing");
    expect(privacy.content).toContain("Mailchimp in US");
    expect(privacy.source.processors).toEqual([mailchimp]);
    expect(latest("ropa").content).toContain("Mailchimp (US)");
    expect(latest("dpa").content).toContain("| Mailchimp | US |");
    // Versions are consecutive per document, and each version's text differs from the one before.
    for (const type of TYPES) {
      const versions = after.filter((r) => r.document_type === type);
      expect(versions.map((r) => r.version)).toEqual(versions.map((_, i) => i + 1));
      expect(new Set(versions.map((r) => r.source.digest)).size).toBe(versions.length);
    }
  });

  it("a purpose change makes exactly one new version of the documents that show it", async () => {
    const before = await docs();
    await stack.query("update public.purposes set name = 'Website statistics', version = version + 1 where controller_id = $1 and slug = 'analytics'", [controllerId]);
    await settle();
    const after = await docs();
    const added = after.filter((r) => !before.some((b) => b.id === r.id));
    // The cookie policy lists only published banners (the default one is a draft), so it does not change.
    expect(added.map((r) => r.document_type).sort()).toEqual(["dpa", "privacy_policy", "ropa", "transparency_profile"]);
    for (const row of added) {
      expect(row.version).toBe(Math.max(...before.filter((b) => b.document_type === row.document_type).map((b) => b.version)) + 1);
      expect(row.content).toContain("Website statistics");
      expect(row.source.trigger).toBe("generate_controller_documents");
    }
    for (const old of before) expect(after.find((r) => r.id === old.id)).toEqual(old);
  });

  it("redelivering every event of the three triggers answers 200 and stores nothing", async () => {
    const before = await docs();
    const purposes = await stack.query("select id, slug, name, version from public.purposes where controller_id = $1 order by slug", [controllerId]);
    for (const trigger of ["generate_v0_profile", "generate_controller_documents", "generate_controller_purposes"]) {
      const statuses = await stack.redeliver(trigger);
      expect(statuses.length).toBeGreaterThan(0);
      expect(new Set(statuses)).toEqual(new Set([200]));
    }
    expect(await docs()).toEqual(before);
    expect(await stack.query("select id, slug, name, version from public.purposes where controller_id = $1 order by slug", [controllerId])).toEqual(purposes);
  });

  it("a failed delivery is retried by the engine and still makes one version", async () => {
    const before = await docs();
    stack.failNext("generate_controller_documents", 1);
    await stack.query("update public.purposes set retention_days = 90 where controller_id = $1 and slug = 'analytics'", [controllerId]);
    await stack.waitFor(async () => (await stack.query("select 1 from hdb_catalog.event_invocation_logs where trigger_name = 'generate_controller_documents' and status = 500")).length > 0);
    await stack.retryNow();
    await settle();
    const added = (await docs()).filter((r) => !before.some((b) => b.id === r.id));
    expect(added.map((r) => r.document_type).sort()).toEqual(["dpa", "privacy_policy", "ropa"]);
    expect(added.every((r) => r.content.includes("90 days"))).toBe(true);
  });

  it("documents carry no personal data of subjects", async () => {
    await stack.query("insert into public.data_subjects (controller_id) values ($1)", [controllerId]);
    await stack.query("update public.purposes set description = 'Counting visits' where controller_id = $1 and slug = 'analytics'", [controllerId]);
    await settle();
    const subjectIds = (await stack.query<{ id: string }>("select id from public.data_subjects where controller_id = $1", [controllerId])).map((r) => r.id);
    for (const row of await docs()) for (const id of subjectIds) expect(row.content).not.toContain(id);
  });
});
