/**
 * The Transparency Center's calls as a browser makes them: GraphQL to the
 * engine with no credentials at all (HASURA_GRAPHQL_UNAUTHORIZED_ROLE =
 * anonymous), the engine calling the insertRightsRequest and
 * verifyRightsRequest actions on the handlers app, the insert trigger sending
 * the verification e-mail through the real SMTP server, and the token from
 * that e-mail's link confirming the request through the engine again.
 * Also: the answer never tells a known person from an unknown one, a replayed
 * or expired link fails with the action error shape, and the anonymous role
 * cannot read rights requests or their timeline (hasura/README.md matrix).
 */
import { createRightsActionHandlers } from "../../src/rights";
import { createRateLimiter } from "../../src/rights/rate-limit";
import type { RightsOptions } from "../../src/rights/services";
import { hashFor, insertController, PII_KEYS } from "../helpers/seed";
import { startStack, type Stack } from "../helpers/stack";

const TRIGGERS = ["data_controllers_insert", "data_subject_rights_requests_insert", "data_subject_rights_requests_update"];

interface GraphqlAnswer {
  data?: Record<string, Record<string, unknown> | null> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

const SUBMIT = `mutation Submit($input: InsertRightsRequestInput!) {
  insertRightsRequest(input: $input) { requestId requestType status receivedAt dueAt verificationRequired }
}`;
const VERIFY = `mutation Verify($input: VerifyRightsRequestInput!) {
  verifyRightsRequest(input: $input) { requestId status verifiedAt }
}`;

describe("rights actions through the engine as the anonymous role (no credentials)", () => {
  let stack: Stack;
  let controllerId: string;
  let did: string;

  /** A browser's request: no admin secret, no JWT, no role header. */
  async function anonymous(query: string, variables: Record<string, unknown> = {}): Promise<{ status: number; body: GraphqlAnswer }> {
    const res = await fetch(stack.endpoint, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
    return { status: res.status, body: (await res.json()) as GraphqlAnswer };
  }
  const settle = () => stack.waitFor(() => stack.settled(TRIGGERS), 30_000);
  const steps = async (id: string) =>
    (await stack.query<{ step: string; status: string }>("select step, status from public.data_subject_rights_request_events where request_id = $1 order by occurred_at, step", [id])).map(
      (r) => `${r.step}:${r.status}`,
    );
  async function linkFor(address: string): Promise<{ requestId: string; token: string; text: string }> {
    await stack.sendEmails();
    const mail = await stack.smtp.waitForMessage((m) => m.envelope.to.includes(address) && m.subject.startsWith("Confirm your"));
    const match = /(https:\/\/\S+\/rights-requests\/verify\?\S+)/.exec(mail.text ?? "");
    if (!match) throw new Error("no verification link in the e-mail");
    const url = new URL(match[1]);
    return { requestId: url.searchParams.get("request") ?? "", token: url.searchParams.get("token") ?? "", text: mail.text ?? "" };
  }
  async function submit(email: string): Promise<Record<string, unknown>> {
    const answer = await anonymous(SUBMIT, { input: { did, requestType: "deletion", email } });
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    return answer.body.data?.insertRightsRequest as Record<string, unknown>;
  }

  beforeAll(async () => {
    const rights: RightsOptions = {
      piiKeys: PII_KEYS,
      exportsDir: "/nonexistent-exports-not-used",
      exportBaseUrl: "https://downloads.privacy.test",
      exportTtlMs: 7 * 24 * 3_600_000,
      verificationTtlMs: 72 * 3_600_000,
      rateLimiter: createRateLimiter({ limit: 20, windowMs: 3_600_000 }),
      integrationBaseUrls: {},
      fetch,
    };
    stack = await startStack({
      unauthorizedRole: "anonymous",
      services: (base) => ({ ...base, rights }),
      actions: (services) => createRightsActionHandlers({ ...services, rights }),
    });
    controllerId = await insertController(stack, { title: "Anon Shop" });
    did = `did:web:${controllerId}.example`;
    await settle();
    await stack.query("update public.data_controller_details set legal_name = 'Anon Shop Ltd', dpo_email = 'dpo@anon.test' where controller_id = $1", [controllerId]);
    // A known person: a subject holding the keyed hash of her address.
    await stack.query("insert into public.data_subjects (id, controller_id) values ('5f0c3a52-8a8e-4f43-9d0b-0c8f3d6e7a11', $1)", [controllerId]);
    await stack.query("insert into public.privacy_preserving_links (controller_id, data_subject_id, identifier_type, identifier_hash) values ($1, '5f0c3a52-8a8e-4f43-9d0b-0c8f3d6e7a11', 'email', $2)", [
      controllerId,
      hashFor(controllerId, "email", "known@example.org"),
    ]);
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  it("submit -> verification e-mail -> verify with the link's token: verified, on the timeline; known and unknown people get identical answers", async () => {
    const known = await submit("Known@Example.org");
    const unknown = await submit("stranger@example.org");
    expect(known).toEqual({ requestId: expect.stringMatching(/^[0-9a-f-]{36}$/), requestType: "deletion", status: "received", receivedAt: "2026-03-02T10:00:00+00:00", dueAt: expect.any(String), verificationRequired: true });
    expect({ ...unknown, requestId: known.requestId }).toEqual(known);
    await settle();

    const knownLink = await linkFor("known@example.org");
    const unknownLink = await linkFor("stranger@example.org");
    expect(knownLink.requestId).toBe(known.requestId);
    expect(unknownLink.requestId).toBe(unknown.requestId);
    // The e-mails differ only in the link.
    expect(unknownLink.text.replace(unknownLink.requestId, "ID").replace(unknownLink.token, "TOKEN")).toBe(knownLink.text.replace(knownLink.requestId, "ID").replace(knownLink.token, "TOKEN"));

    stack.clock.now = new Date(stack.clock.now.getTime() + 3_600_000);
    const verifiedAt = stack.clock.now.toISOString();
    const v1 = await anonymous(VERIFY, { input: { requestId: knownLink.requestId, token: knownLink.token } });
    const v2 = await anonymous(VERIFY, { input: { requestId: unknownLink.requestId, token: unknownLink.token } });
    expect(v1.body).toEqual({ data: { verifyRightsRequest: { requestId: knownLink.requestId, status: "verified", verifiedAt } } });
    expect(v2.body).toEqual({ data: { verifyRightsRequest: { requestId: unknownLink.requestId, status: "verified", verifiedAt } } });

    const rows = await stack.query<{ id: string; status: string; verified_at: Date; data_subject_id: string | null; verification_token_hash: string | null }>(
      "select id, status, verified_at, data_subject_id, verification_token_hash from public.data_subject_rights_requests where id = any($1) order by id",
      [[known.requestId, unknown.requestId]],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    // Verified, and already moved on by the update trigger (a deletion starts at once).
    expect(byId.get(known.requestId as string)).toMatchObject({ verified_at: stack.clock.now, data_subject_id: "5f0c3a52-8a8e-4f43-9d0b-0c8f3d6e7a11", verification_token_hash: null });
    expect(byId.get(unknown.requestId as string)).toMatchObject({ verified_at: stack.clock.now, data_subject_id: null, verification_token_hash: null });
    await settle();
    // Same time for every step after the verification: ordered by step name there.
    // The two notes: own records erased, then the requester's address destroyed once the completion notice was queued.
    expect(await steps(known.requestId as string)).toEqual(["received:completed", "verification_sent:sent", "completed:completed", "in_progress:completed", "note:completed", "note:completed", "verified:completed"]);
    const strangerTimeline = await steps(unknown.requestId as string);
    expect(strangerTimeline.slice(0, 2)).toEqual(["received:completed", "verification_sent:sent"]);
    expect(strangerTimeline).toContain("verified:completed");
  }, 60_000);

  it("a replayed or an expired token fails with the action error shape, the same for both", async () => {
    await submit("replay@example.org");
    await submit("late@example.org");
    await settle();
    const replay = await linkFor("replay@example.org");
    const late = await linkFor("late@example.org");

    const first = await anonymous(VERIFY, { input: { requestId: replay.requestId, token: replay.token } });
    expect(first.body.errors).toBeUndefined();
    const again = await anonymous(VERIFY, { input: { requestId: replay.requestId, token: replay.token } });
    // Hasura v2's shape for a failed action: no data key, the handler's message and extensions verbatim.
    const failure = {
      errors: [{ message: "This verification link is invalid or has expired. Submit the request again to get a new one.", extensions: { code: "verification_failed", errorId: expect.any(String) } }],
    };
    expect(again.status).toBe(200);
    expect(again.body).toEqual(failure);

    // 72 hours and a second later the link is dead.
    stack.clock.now = new Date(stack.clock.now.getTime() + 72 * 3_600_000 + 1000);
    const expired = await anonymous(VERIFY, { input: { requestId: late.requestId, token: late.token } });
    expect(expired.body).toEqual(failure);
    expect(await stack.query("select status, verification_attempts from public.data_subject_rights_requests where id = $1", [late.requestId])).toEqual([{ status: "pending_verification", verification_attempts: 1 }]);
    expect(await steps(late.requestId)).toContain("verification_failed:failed");

    // A malformed input is the engine's validation error, never a handler crash.
    const malformed = await anonymous(VERIFY, { input: { requestId: "not-a-uuid", token: "short" } });
    expect(malformed.body.data ?? null).toBeNull();
    expect(malformed.body.errors?.[0]?.extensions?.code).toBe("validation_failed");
  }, 60_000);

  it("the submission limit keys on the address our edge proxy appended, not on one the caller wrote into X-Forwarded-For", async () => {
    // Behind one load balancer: "<whatever the caller sent>, <address the balancer saw>".
    const submitFrom = async (forged: string, real: string) => {
      const res = await fetch(stack.endpoint, {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": `${forged}, ${real}` },
        body: JSON.stringify({ query: SUBMIT, variables: { input: { did, requestType: "access", email: "flood@example.org" } } }),
      });
      return (await res.json()) as GraphqlAnswer;
    };
    for (let i = 0; i < 20; i += 1) expect((await submitFrom(`198.18.0.${i}`, "203.0.113.99")).errors).toBeUndefined();
    const limited = await submitFrom("198.18.1.1", "203.0.113.99");
    expect(limited.errors?.[0]).toMatchObject({ message: "Too many requests from this address; try again later", extensions: { code: "rate_limited" } });
    // Another client behind the same balancer still gets through.
    expect((await submitFrom("198.18.0.1", "203.0.113.100")).errors).toBeUndefined();
  });

  it("the anonymous role cannot read rights requests or their timeline", async () => {
    for (const field of ["dataSubjectRightsRequests", "dataSubjectRightsRequestEvents"]) {
      const answer = await anonymous(`query { ${field} { id } }`);
      expect(answer.body.data ?? null).toBeNull();
      expect(answer.body.errors?.[0]?.extensions?.code).toBe("validation-failed");
      expect(answer.body.errors?.[0]?.message).toBe(`field '${field}' not found in type: 'query_root'`);
    }
    const byPk = await anonymous("query Q($id: uuid!) { dataSubjectRightsRequest(id: $id) { id status } }", { id: "5f0c3a52-8a8e-4f43-9d0b-0c8f3d6e7a11" });
    expect(byPk.body.errors?.[0]?.extensions?.code).toBe("validation-failed");
    // Nor write them directly: submissions go through the action only.
    const insert = await anonymous(`mutation { insertDataSubjectRightsRequests(objects: [{ requestType: "access" }]) { affected_rows } }`);
    expect(insert.body.errors?.[0]?.extensions?.code).toBe("validation-failed");
  });
});
