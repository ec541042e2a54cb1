/**
 * application/x-www-form-urlencoded bodies (Mandrill, Mailchimp Marketing,
 * the WooCommerce ping): flat pairs for signatures, nested objects for reading.
 */
import { ValidationError } from "../../../common/src/errors";

/** Decoded key/value pairs in body order (`+` is a space, as Mandrill's signature needs). */
export function formPairs(body: Buffer): [string, string][] {
  return [...new URLSearchParams(body.toString("utf8")).entries()];
}

/** `data[merges][FNAME]=Jane` → `{data: {merges: {FNAME: "Jane"}}}`; at most 5 levels deep. */
export function nestedForm(body: Buffer): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of formPairs(body)) {
    const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
    if (!match) continue;
    const path = [match[1], ...[...match[2].matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1])];
    if (path.length > 6 || path.some((p) => p === "" || p === "__proto__" || p === "constructor" || p === "prototype")) {
      throw new ValidationError("Unsupported form field name", [{ path: match[1], message: "nested too deep or empty key" }]);
    }
    let node = root;
    for (const part of path.slice(0, -1)) {
      const next = node[part];
      if (next === undefined || typeof next !== "object" || next === null) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    node[path[path.length - 1]] = value;
  }
  return root;
}
