/**
 * How compiled statements travel to Postgres.
 *
 * Prepared statements: the same GraphQL operation compiles to the same SQL
 * text with different parameters, so each distinct text gets a statement name
 * and node-postgres prepares it once per connection. Postgres then skips
 * parsing and, after a few executions, planning (it caches a generic plan when
 * that is no worse than custom plans). The names are bounded: past
 * MAX_PREPARED texts a statement goes unnamed (parsed each time), so a client
 * sending ever-new documents cannot grow every backend's memory without limit.
 * A name is never reused for another text (node-postgres rejects that).
 *
 * Raw JSON: a query's answer is one json value that Postgres already rendered;
 * with RAW_JSON_TYPES it arrives as text and goes into the HTTP response as it
 * is, never parsed and re-serialized (as Hasura streams Postgres' JSON).
 */
import { types, type CustomTypesConfig } from "pg";

export const MAX_PREPARED = 2000;

const names = new Map<string, string>();

/** The statement name for `text`, or undefined once MAX_PREPARED texts have names. */
export function preparedName(text: string): string | undefined {
  const known = names.get(text);
  if (known !== undefined) return known;
  if (names.size >= MAX_PREPARED) return undefined;
  const name = `engine_${names.size}`;
  names.set(text, name);
  return name;
}

const JSON_OID = 114;
const JSONB_OID = 3802;
const identity = (value: string): string => value;

/** Type parsers that leave json and jsonb as text and parse everything else as usual. */
export const RAW_JSON_TYPES: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === JSON_OID || oid === JSONB_OID ? identity : types.getTypeParser(oid, format ?? "text")) as CustomTypesConfig["getTypeParser"],
};
