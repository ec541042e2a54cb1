/**
 * TXT lookups over node:dns. `createTxtResolver(servers)` uses its own
 * `Resolver` pointed at DNS_RESOLVERS (e.g. "1.1.1.1,9.9.9.9" or
 * "127.0.0.1:5353" in tests) rather than the host's resolv.conf, so a
 * deployment can choose a validating resolver; empty means the system's.
 * Answers are classified: a definite "no such record" differs from a
 * resolver failure, which must never count against the domain.
 */
import { Resolver } from "node:dns/promises";

export type TxtLookup =
  | { kind: "records"; values: string[] }
  | { kind: "missing"; code: string }
  | { kind: "error"; code: string };

export type TxtResolver = (name: string) => Promise<TxtLookup>;

/** Codes that mean the name or its TXT records do not exist (c-ares codes as node:dns reports them). */
const MISSING_CODES: ReadonlySet<string> = new Set(["ENODATA", "ENOTFOUND", "NXDOMAIN"]);

export function createTxtResolver(options: { servers?: readonly string[]; timeoutMs?: number; tries?: number } = {}): TxtResolver {
  const resolver = new Resolver({ timeout: options.timeoutMs ?? 3_000, tries: options.tries ?? 2 });
  if (options.servers && options.servers.length > 0) resolver.setServers([...options.servers]);
  return async (name) => {
    try {
      // Each TXT record arrives as its character-strings; RFC 7208 3.3 joins them without separators.
      const chunks = await resolver.resolveTxt(name);
      return { kind: "records", values: chunks.map((parts) => parts.join("")) };
    } catch (err: unknown) {
      const code = typeof err === "object" && err !== null && "code" in err && typeof err.code === "string" ? err.code : "EUNKNOWN";
      return MISSING_CODES.has(code) ? { kind: "missing", code } : { kind: "error", code };
    }
  };
}
