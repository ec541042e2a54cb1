/**
 * Session variables in permission rules and presets (Hasura contract 6.2):
 * a string value starting with `x-hasura-` (any case) names a session variable;
 * names are case-insensitive; a missing one fails the request with `not-found`.
 */
import { HasuraError } from "../errors";
import type { SessionVariables } from "../extensions";

export function isSessionVariableName(value: unknown): value is string {
  return typeof value === "string" && /^x-hasura-/i.test(value);
}

/** The value of a session variable; throws HasuraError `not-found` when absent. */
export function sessionValue(session: SessionVariables, name: string): string {
  const value = session[name.toLowerCase()];
  if (value === undefined) throw new HasuraError("not-found", `missing session variables: "${name.toLowerCase()}"`);
  return value;
}

/**
 * An array session variable as a JS array: a Postgres array literal (`{1,2,"a b"}`)
 * or a JSON array string (`["a","b"]`), both accepted by Hasura.
 */
export function sessionArray(session: SessionVariables, name: string): string[] {
  const raw = sessionValue(session, name).trim();
  if (raw.startsWith("[")) {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (Array.isArray(parsed)) return parsed.map((v) => (typeof v === "string" ? v : JSON.stringify(v)));
    } catch {
      // fall through to the error below
    }
    throw new HasuraError("data-exception", `malformed array session variable "${name.toLowerCase()}"`);
  }
  return parsePgArrayLiteral(raw, name);
}

/** Parses a one-dimensional Postgres array literal; throws `data-exception` when malformed. */
export function parsePgArrayLiteral(raw: string, name = "value"): string[] {
  if (!raw.startsWith("{") || !raw.endsWith("}")) throw new HasuraError("data-exception", `malformed array session variable "${name.toLowerCase()}"`);
  const body = raw.slice(1, -1);
  const out: string[] = [];
  let i = 0;
  while (i < body.length) {
    while (body[i] === " ") i++;
    if (i >= body.length) break;
    let item = "";
    if (body[i] === '"') {
      i++;
      while (i < body.length && body[i] !== '"') {
        if (body[i] === "\\") i++;
        item += body[i++];
      }
      i++;
    } else {
      while (i < body.length && body[i] !== ",") item += body[i++];
      item = item.trim();
    }
    out.push(item);
    while (body[i] === " ") i++;
    if (body[i] === ",") i++;
  }
  return out;
}
