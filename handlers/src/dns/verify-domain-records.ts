/**
 * verify_domain_records (every 15 minutes): for each pending dns_txt domain
 * not checked in the last CHECK_INTERVAL, look up the TXT record it was asked
 * to publish, `_privacy-verification.<domain>` with the value
 * `privacy-verification=<challenge>`, and record the outcome:
 * - found: `verified` (verified_at set; domain_verification_cors_sync then
 *   adds its origin to the CORS allowlist);
 * - missing or wrong value: attempt counted; `failed` once `maxAttempts`
 *   checks missed (default 96, a day of checks);
 * - resolver failure (timeout, SERVFAIL): attempt and error recorded, never
 *   a reason to fail the domain.
 * Each write is conditional on the row still being pending with the attempt
 * count this run read, and a row checked recently is not picked up again, so
 * a redelivered tick or a second replica records nothing twice.
 */
import type { Logger } from "../../../common/src/logger";
import type { HandlersSdk } from "../adapters/sdk";
import type { TxtResolver } from "./txt-resolver";

export const RECORD_PREFIX = "_privacy-verification";
export const VALUE_PREFIX = "privacy-verification=";
const CHECK_INTERVAL_MS = 10 * 60_000;
// Worst case per lookup is the resolver's timeout x tries (3 s x 2): 50 domains,
// 10 at a time, stay near 30 s, inside Hasura's 60 s cron timeout; the rest
// (least recently checked first) wait for the next tick.
const PAGE = 50;
const CONCURRENCY = 10;

export interface VerifyDeps {
  sdk: Pick<HandlersSdk, "FindPendingDomains" | "RecordDomainCheck">;
  resolveTxt: TxtResolver;
  logger: Logger;
  now: () => Date;
  maxAttempts?: number;
}

export interface VerifyResult {
  checked: number;
  verified: number;
  failed: number;
  stillPending: number;
  resolverErrors: number;
  /** Another run recorded them first. */
  skipped: number;
}

/** The DNS name and expected value for a domain verification. */
export function expectedRecord(domain: string, challenge: string): { name: string; value: string } {
  return { name: `${RECORD_PREFIX}.${domain}`, value: `${VALUE_PREFIX}${challenge}` };
}

export async function verifyDomainRecords(deps: VerifyDeps): Promise<VerifyResult> {
  const now = deps.now();
  const maxAttempts = deps.maxAttempts ?? 96;
  const result: VerifyResult = { checked: 0, verified: 0, failed: 0, stillPending: 0, resolverErrors: 0, skipped: 0 };
  const { domainVerifications } = await deps.sdk.FindPendingDomains({ checkedBefore: new Date(now.getTime() - CHECK_INTERVAL_MS).toISOString(), limit: PAGE });
  const queue = [...domainVerifications];
  const worker = async (): Promise<void> => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      const row = item;
      const expected = expectedRecord(row.domain, row.challenge);
      const answer = await deps.resolveTxt(expected.name);
      const attempts = row.checkAttempts + 1;
      const checkedAt = deps.now().toISOString();
      let set: Record<string, unknown>;
      if (answer.kind === "records" && answer.values.some((v) => v.trim() === expected.value)) {
        set = { status: "verified", verifiedAt: checkedAt, lastCheckedAt: checkedAt, checkAttempts: attempts, lastError: null };
      } else if (answer.kind === "error") {
        set = { lastCheckedAt: checkedAt, checkAttempts: attempts, lastError: `resolver error ${answer.code}` };
      } else {
        const reason = answer.kind === "missing" ? `no TXT record at ${expected.name} (${answer.code})` : `TXT record at ${expected.name} does not hold the challenge`;
        set = { status: attempts >= maxAttempts ? "failed" : "pending", lastCheckedAt: checkedAt, checkAttempts: attempts, lastError: reason };
      }
      const written = await deps.sdk.RecordDomainCheck({ id: row.id, attempts: row.checkAttempts, set });
      if ((written.updateDomainVerifications?.affected_rows ?? 0) === 0) {
        result.skipped += 1;
        continue;
      }
      result.checked += 1;
      if (set.status === "verified") result.verified += 1;
      else if (set.status === "failed") result.failed += 1;
      else result.stillPending += 1;
      if (answer.kind === "error") result.resolverErrors += 1;
      deps.logger.info({ domainVerificationId: row.id, controllerId: row.controllerId, status: set.status ?? "pending", attempts }, "domain record checked");
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, () => worker()));
  return result;
}
