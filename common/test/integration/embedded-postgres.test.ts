import { Client } from "pg";
import { createTestDatabase } from "../../../test/helpers/pg";

describe("shared test Postgres", () => {
  it("creates a private database that accepts queries and drops it again", async () => {
    const db = await createTestDatabase("smoke");
    const client = new Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query<{ n: number }>("select 1 + 1 as n");
    await client.end();
    expect(rows[0].n).toBe(2);
    await db.drop();
  });
});
