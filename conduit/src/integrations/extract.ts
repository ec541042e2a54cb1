/**
 * Walks JSON paths (`$.a.b`, `$.a[*].b`, `$[*].c`) to collect raw PII values.
 * Pure; the collected values stay inside conduit until hashed.
 */
import type { PiiType, RawPiiField } from "../../../common/src/pii";

export type FieldSpec = readonly [path: string, type: PiiType];

/** Parsed paths: the field specs are a small fixed set, parsed once each instead of on every webhook. */
const TOKENS = new Map<string, readonly string[]>();
const MAX_TOKENS = 10_000;

function tokens(path: string): readonly string[] {
  const known = TOKENS.get(path);
  if (known) return known;
  if (!path.startsWith("$")) throw new Error(`[conduit/extract] path must start with $: ${path}`);
  const parsed = path
    .slice(1)
    .replace(/\[\*\]/g, ".[*]")
    .split(".")
    .filter((t) => t.length > 0);
  // Custom integrations bring their own paths: bounded, oldest dropped first.
  if (TOKENS.size >= MAX_TOKENS) TOKENS.delete(TOKENS.keys().next().value as string);
  TOKENS.set(path, parsed);
  return parsed;
}

function walk(value: unknown, rest: readonly string[], out: unknown[]): void {
  if (value === null || value === undefined) return;
  if (rest.length === 0) {
    out.push(value);
    return;
  }
  const [head, ...tail] = rest;
  if (head === "[*]") {
    if (Array.isArray(value)) for (const item of value) walk(item, tail, out);
    return;
  }
  if (typeof value === "object" && !Array.isArray(value) && Object.prototype.hasOwnProperty.call(value, head)) {
    walk((value as Record<string, unknown>)[head], tail, out);
  }
}

/** Every scalar at `path` as a string (numbers included, empty strings skipped). */
export function valuesAt(root: unknown, path: string): string[] {
  const found: unknown[] = [];
  walk(root, tokens(path), found);
  return found
    .filter((v): v is string | number => (typeof v === "string" && v.trim() !== "") || (typeof v === "number" && Number.isFinite(v)))
    .map(String);
}

/** Collects every field of `specs` found in `root`. */
export function collectPii(root: unknown, specs: readonly FieldSpec[]): RawPiiField[] {
  const out: RawPiiField[] = [];
  for (const [path, type] of specs) for (const value of valuesAt(root, path)) out.push({ type, path, value });
  return out;
}

/** A platform id namespaced as privacy-domain spec §12.3 requires: `platform:account:id`. */
export function platformId(path: string, type: "customer_id" | "record_id", namespace: string, id: string | number | undefined | null): RawPiiField[] {
  if (id === undefined || id === null || String(id).trim() === "") return [];
  return [{ type, path, value: `${namespace}:${String(id)}` }];
}

/** Address sub-fields of a postal address object joined as one value (line1, line2, city...). */
export function addressField(root: unknown, path: string, keys: readonly string[]): RawPiiField[] {
  const out: RawPiiField[] = [];
  const objects: unknown[] = [];
  walk(root, tokens(path), objects);
  for (const obj of objects) {
    if (obj === null || typeof obj !== "object") continue;
    const parts = keys
      .map((k) => (obj as Record<string, unknown>)[k])
      .filter((v): v is string | number => (typeof v === "string" && v.trim() !== "") || typeof v === "number")
      .map(String);
    if (parts.length > 0) out.push({ type: "postal_address", path, value: parts.join(", ") });
  }
  return out;
}
