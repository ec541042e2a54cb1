/**
 * The demo seeds on a migrated database, and the behaviour of the schema they
 * exercise: the documented credentials match what is stored, deletes follow
 * their deliberate ON DELETE rules, unique keys that services upsert on hold,
 * and append-only tables refuse updates. Behaviour tests run in a transaction
 * that is rolled back, so they leave the seeded rows as they were.
 */
import type { Client } from "pg";
import { decryptSecret, hashSecretKey, SECRET_CONTEXT, verifySecretKey } from "../../../common/src/crypto";
import { CustomIntegrationConfigSchema } from "../../../conduit/src/integrations/custom/schemas";
import { applySeeds } from "../../../common/src/db/migrate";
import type { TestDatabase } from "../../../test/helpers/pg";
import {
  DEMO_CONTROLLER_ID,
  DEMO_CUSTOM_API_KEY,
  DEMO_DID,
  DEMO_DX_KEY,
  DEMO_ERASED_EMAIL,
  DEMO_IDENTIFIERS,
  DEMO_SHOPIFY_SIGNING_SECRET,
  DEMO_STRIPE_SIGNING_SECRET,
  DEMO_WEBHOOK_SECRET,
  demoIdentifierHash,
  demoSecretKeyRing,
  REQUESTER_EMAIL_CONTEXT,
} from "../../scripts/demo-credentials";
import { createMigratedDatabase, SEEDS_DIR, withClient } from "../helpers/project";

const JANE = "e0000000-0000-4000-8000-000000000001";
const OLIVIA = "a0000000-0000-4000-8000-000000000001";

let db: TestDatabase;

beforeAll(async () => {
  db = await createMigratedDatabase("hasura_seeds");
  await applySeeds(db.url, SEEDS_DIR, { database: "default" });
});

afterAll(async () => {
  await db?.drop();
});

async function rowCounts(client: Client): Promise<Record<string, number>> {
  const { rows } = await client.query<{ name: string }>(
    "select table_schema || '.' || table_name as name from information_schema.tables where table_schema in ('public', 'auth') and table_type = 'BASE TABLE' order by 1",
  );
  const counts: Record<string, number> = {};
  for (const { name } of rows) {
    const result = await client.query<{ n: number }>(`select count(*)::int as n from ${name}`);
    counts[name] = result.rows[0].n;
  }
  return counts;
}

/** Runs `fn` inside a transaction that is always rolled back. */
function inRolledBackTransaction<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  return withClient(db.url, async (client) => {
    await client.query("begin");
    try {
      return await fn(client);
    } finally {
      await client.query("rollback");
    }
  });
}

async function one<T>(client: Client, sql: string, params: unknown[] = []): Promise<T> {
  const { rows } = await client.query(sql, params);
  expect(rows).toHaveLength(1);
  return rows[0] as T;
}

describe("hasura/seeds/default", () => {
  test("load the demo organization, and a second run changes nothing", async () => {
    const expected = {
      "auth.users": 2,
      "public.consent_categories": 3,
      "public.consent_forms": 1,
      "public.cors_allowed_origins": 2,
      "public.data_controller_details": 1,
      "public.data_controller_users": 2,
      "public.data_controllers": 1,
      "public.data_processing_activities": 4,
      "public.data_processors": 4,
      "public.data_subject_consent_form_values": 1,
      "public.data_subject_preference_values": 2,
      "public.data_subject_rights_request_events": 10,
      "public.data_subject_rights_requests": 2,
      "public.data_subjects": 3,
      "public.domain_verifications": 1,
      "public.email_outbox": 0,
      "public.erasure_suppressions": 1,
      "public.generated_documents": 1,
      "public.integration_sync_jobs": 3,
      "public.privacy_preserving_links": 4,
      "public.purposes": 6,
      "public.retention_policies": 2,
      "public.scheduled_events": 2,
      "public.tag_manager_accounts": 1,
      "public.team_invitations": 1,
      "public.usage_records": 1,
      "public.webhook_intake": 2,
    };
    expect(await withClient(db.url, rowCounts)).toEqual(expected);
    await applySeeds(db.url, SEEDS_DIR, { database: "default" });
    expect(await withClient(db.url, rowCounts)).toEqual(expected);
  });

  test("the documented DX key, webhook secret, API key and signing secrets match what is stored", async () => {
    await withClient(db.url, async (client) => {
      const controller = await one<{ id: string; dx_key_hash: string; webhook_secret_encrypted: string }>(
        client,
        "select id, dx_key_hash, webhook_secret_encrypted from public.data_controllers where did = $1",
        [DEMO_DID],
      );
      expect(controller.id).toBe(DEMO_CONTROLLER_ID);
      expect(verifySecretKey(DEMO_DX_KEY, controller.dx_key_hash)).toBe(true);
      expect(verifySecretKey("dx_demo_wrong", controller.dx_key_hash)).toBe(false);
      const ring = demoSecretKeyRing();
      expect(decryptSecret(controller.webhook_secret_encrypted, ring, SECRET_CONTEXT.controllerWebhookSecret)).toBe(DEMO_WEBHOOK_SECRET);

      const { rows } = await client.query<{ service: string; signing_secret_encrypted: string | null; api_key_hash: string | null }>(
        "select service, signing_secret_encrypted, api_key_hash from public.data_processors order by service",
      );
      const secrets = rows.map((r) => ({
        service: r.service,
        signing: r.signing_secret_encrypted && decryptSecret(r.signing_secret_encrypted, ring, SECRET_CONTEXT.processorSigningSecret),
        apiKey: r.api_key_hash === hashSecretKey(DEMO_CUSTOM_API_KEY),
      }));
      expect(secrets).toEqual([
        { service: "custom", signing: null, apiKey: true },
        { service: "mailchimp", signing: null, apiKey: false },
        { service: "shopify", signing: DEMO_SHOPIFY_SIGNING_SECRET, apiKey: false },
        { service: "stripe", signing: DEMO_STRIPE_SIGNING_SECRET, apiKey: false },
      ]);
    });
  });

  test("the custom integration's event definitions and field mappings are what conduit accepts", async () => {
    const stored = await withClient(db.url, (client) =>
      one<{ event_definitions: unknown; field_mappings: unknown }>(
        client,
        "select event_definitions, field_mappings from public.data_processors where service = 'custom'",
      ),
    );
    const parsed = CustomIntegrationConfigSchema.safeParse({ eventDefinitions: stored.event_definitions, fieldMappings: stored.field_mappings });
    expect(parsed.success ? parsed.data.eventDefinitions.map((d) => d.name) : parsed.error.issues).toEqual(["user.signup"]);
  });

  test("links and the erasure suppression hold the keyed hashes conduit computes for the documented identifiers", async () => {
    await withClient(db.url, async (client) => {
      const { rows } = await client.query<{ data_subject_id: string; identifier_type: string; identifier_hash: string }>(
        "select data_subject_id, identifier_type, identifier_hash from public.privacy_preserving_links order by id",
      );
      expect(rows).toEqual(
        DEMO_IDENTIFIERS.map((i) => ({ data_subject_id: i.subject, identifier_type: i.type, identifier_hash: demoIdentifierHash(i.type, i.raw) })),
      );
      const request = await one<{ requester_email_encrypted: string; requester_email_hash: string }>(
        client,
        "select requester_email_encrypted, requester_email_hash from public.data_subject_rights_requests where data_subject_id = $1",
        [JANE],
      );
      expect(decryptSecret(request.requester_email_encrypted, demoSecretKeyRing(), REQUESTER_EMAIL_CONTEXT)).toBe("jane.doe@example.com");
      expect(request.requester_email_hash).toBe(demoIdentifierHash("email", "jane.doe@example.com"));
      const suppression = await one<{ identifier_hash: string }>(client, "select identifier_hash from public.erasure_suppressions");
      expect(suppression.identifier_hash).toBe(demoIdentifierHash("email", DEMO_ERASED_EMAIL));
    });
  });
});

describe("schema behaviour on the seeded data", () => {
  test("deleting a data controller removes every row of the organization and no platform user", async () => {
    await inRolledBackTransaction(async (client) => {
      await client.query("delete from public.data_controllers where id = $1", [DEMO_CONTROLLER_ID]);
      const counts = await rowCounts(client);
      expect(Object.entries(counts).filter(([, n]) => n > 0)).toEqual([["auth.users", 2]]);
    });
  });

  test("erasing a data subject deletes links, consent records and preferences, and keeps activities and requests without the person", async () => {
    await inRolledBackTransaction(async (client) => {
      await client.query("delete from public.data_subjects where id = $1", [JANE]);
      const left = await one<Record<string, number>>(
        client,
        `select (select count(*)::int from public.privacy_preserving_links where data_subject_id = $1) as links,
                (select count(*)::int from public.data_subject_consent_form_values where data_subject_id = $1) as consent,
                (select count(*)::int from public.data_subject_preference_values where data_subject_id = $1) as preferences,
                (select count(*)::int from public.data_processing_activities where data_subject_id is null) as anonymous_activities,
                (select count(*)::int from public.data_subject_rights_requests where data_subject_id is null) as anonymous_requests`,
        [JANE],
      );
      // One more anonymous request than before: the seeded, already completed erasure.
      expect(left).toEqual({ links: 0, consent: 0, preferences: 0, anonymous_activities: 2, anonymous_requests: 2 });
    });
  });

  test("deleting a platform user removes their memberships and keeps the invitations they sent", async () => {
    await inRolledBackTransaction(async (client) => {
      await client.query("delete from auth.users where id = $1", [OLIVIA]);
      const left = await one<Record<string, unknown>>(
        client,
        `select (select count(*)::int from public.data_controller_users where user_id = $1) as memberships,
                (select invited_by_user_id from public.team_invitations) as invited_by`,
        [OLIVIA],
      );
      expect(left).toEqual({ memberships: 0, invited_by: null });
    });
  });

  test("deleting a processor or a user keeps the append-only timeline entries that refer to them, with the reference set null", async () => {
    await inRolledBackTransaction(async (client) => {
      await client.query("delete from public.data_processors where service = 'stripe'");
      await client.query("delete from auth.users where id = $1", ["a0000000-0000-4000-8000-000000000002"]);
      const entries = await client.query<{ id: string; data_processor_id: string | null; actor_user_id: string | null }>(
        "select id, data_processor_id, actor_user_id from public.data_subject_rights_request_events where id in ($1, $2) order by id",
        ["ab000000-0000-4000-8000-000000000004", "ab000000-0000-4000-8000-000000000015"],
      );
      expect(entries.rows).toEqual([
        { id: "ab000000-0000-4000-8000-000000000004", data_processor_id: null, actor_user_id: null },
        { id: "ab000000-0000-4000-8000-000000000015", data_processor_id: null, actor_user_id: null },
      ]);
    });
  });

  test("deleting all rows of any one table succeeds, except consent forms that hold consent records", async () => {
    const tables = await withClient(db.url, async (client) => Object.keys(await rowCounts(client)));
    const refused: string[] = [];
    for (const table of tables) {
      await inRolledBackTransaction(async (client) => {
        try {
          await client.query(`delete from ${table}`);
        } catch (err: unknown) {
          refused.push(`${table}: ${err instanceof Error ? err.message : String(err)}`);
        }
      });
    }
    expect(refused).toEqual([
      'public.consent_forms: update or delete on table "consent_forms" violates foreign key constraint "data_subject_consent_form_values_form_id_fkey" on table "data_subject_consent_form_values"',
    ]);
  });

  test("a consent form that has consent records cannot be deleted", async () => {
    await inRolledBackTransaction(async (client) => {
      await expect(client.query("delete from public.consent_forms")).rejects.toMatchObject({
        code: "23503",
        constraint: "data_subject_consent_form_values_form_id_fkey",
      });
    });
  });

  test.each([
    ["data_subject_consent_form_values", "locale = 'fr'"],
    ["data_subject_rights_request_events", "message = 'rewritten'"],
    ["data_subject_rights_request_events", "message = null"],
  ])("%s refuses UPDATE set %s (append-only)", async (table, assignment) => {
    await inRolledBackTransaction(async (client) => {
      await expect(client.query(`update public.${table} set ${assignment}`)).rejects.toMatchObject({
        code: "23514",
        message: `rows of public.${table} are append-only; insert a new row instead`,
      });
    });
  });

  test("webhook_intake: a repeated platform event id violates webhook_intake_platform_event_key; events without one never collide", async () => {
    const insert = (platformEventId: string | null) =>
      `insert into public.webhook_intake (controller_id, service, event_type, platform_event_id, content_key, triggered_at)
       values ('${DEMO_CONTROLLER_ID}', 'shopify', 'orders/create', ${platformEventId === null ? "null" : `'${platformEventId}'`}, 'k', now())`;
    await inRolledBackTransaction(async (client) => {
      await client.query(insert(null));
      await client.query(insert(null));
      await expect(client.query(insert("b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"))).rejects.toMatchObject({
        code: "23505",
        constraint: "webhook_intake_platform_event_key",
      });
    });
  });

  test("a second activity with the same dedup_key violates data_processing_activities_dedup_key", async () => {
    await inRolledBackTransaction(async (client) => {
      await expect(
        client.query(
          `insert into public.data_processing_activities (controller_id, event_type, legal_basis, triggered_at, dedup_key)
           values ($1, 'orders/create', 'contract', now(), 'intake:e3000000-0000-4000-8000-000000000001')`,
          [DEMO_CONTROLLER_ID],
        ),
      ).rejects.toMatchObject({ code: "23505", constraint: "data_processing_activities_dedup_key" });
    });
  });

  test("a link is unique per controller, type and hash, and another controller may hold the same hash", async () => {
    const hash = demoIdentifierHash("email", "jane.doe@example.com");
    await inRolledBackTransaction(async (client) => {
      const other = await one<{ id: string }>(
        client,
        `insert into public.data_controllers (title, did, dx_key_hash, webhook_secret_encrypted, plan, trial_expires_at)
         values ('Other', 'did:web:other.example', $1, 'gcm1.x', 'trial', now() + interval '14 days') returning id`,
        [hashSecretKey("dx_other")],
      );
      const subject = await one<{ id: string }>(client, "insert into public.data_subjects (controller_id) values ($1) returning id", [other.id]);
      await client.query(
        "insert into public.privacy_preserving_links (controller_id, data_subject_id, identifier_type, identifier_hash) values ($1, $2, 'email', $3)",
        [other.id, subject.id, hash],
      );
      await expect(
        client.query(
          "insert into public.privacy_preserving_links (controller_id, data_subject_id, identifier_type, identifier_hash) values ($1, $2, 'email', $3)",
          [DEMO_CONTROLLER_ID, "e0000000-0000-4000-8000-000000000002", hash],
        ),
      ).rejects.toMatchObject({ code: "23505", constraint: "privacy_preserving_links_identifier_key" });
    });
  });

  test("a consent category that is not required cannot start granted (no pre-ticked boxes)", async () => {
    await inRolledBackTransaction(async (client) => {
      await expect(
        client.query(
          "insert into public.consent_categories (form_id, slug, title, default_granted) values ('f0000000-0000-4000-8000-000000000001', 'ads', 'Ads', true)",
        ),
      ).rejects.toMatchObject({ code: "23514", constraint: "consent_categories_default_granted_check" });
    });
  });

  test("an update moves updated_at forward", async () => {
    await withClient(db.url, async (client) => {
      const before = await one<{ updated_at: Date }>(client, "select updated_at from public.purposes where slug = 'analytics'");
      await client.query("begin");
      try {
        const after = await one<{ updated_at: Date }>(
          client,
          "update public.purposes set description = description || ' (edited)' where slug = 'analytics' returning updated_at",
        );
        expect(after.updated_at.getTime()).toBeGreaterThan(before.updated_at.getTime());
      } finally {
        await client.query("rollback");
      }
    });
  });
});
