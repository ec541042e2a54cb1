/**
 * syncCorsOrigins (domain_verification_cors_sync): a verified domain's origin
 * is on the controller's CORS allowlist, and nothing else this verification
 * added is: a domain that fails re-verification or changes name loses its
 * old origin. The state is read from the API (not the event payload), so out
 * of order or repeated deliveries converge on the current truth.
 *
 * Origins are serialized per RFC 6454 (scheme://host, default port omitted);
 * only https is allowed for verified domains, as the consent widget and
 * Transparency Center API are served to pages over TLS.
 */
import type { HandlersSdk } from "../adapters/sdk";

export interface SyncCorsDeps {
  sdk: Pick<HandlersSdk, "FindDomainVerification" | "SyncCorsOrigins">;
}

export type SyncCorsResult = { outcome: "verification_gone" } | { outcome: "synced"; origins: string[]; added: number; removed: number };

/** The origins a verification status allows. */
export function originsFor(domain: string, status: string): string[] {
  return status === "verified" ? [`https://${domain.toLowerCase()}`] : [];
}

export async function syncCorsOrigins(verificationId: string, deps: SyncCorsDeps): Promise<SyncCorsResult> {
  const { domainVerification: verification } = await deps.sdk.FindDomainVerification({ id: verificationId });
  // Deleting a verification cascades to its origins: nothing left to do.
  if (!verification) return { outcome: "verification_gone" };
  const origins = originsFor(verification.domain, verification.status);
  const result = await deps.sdk.SyncCorsOrigins({
    verificationId,
    keep: origins,
    origins: origins.map((origin) => ({ controllerId: verification.controllerId, domainVerificationId: verification.id, origin })),
    withOrigins: origins.length > 0,
  });
  return { outcome: "synced", origins, added: result.insertCorsAllowedOrigins?.affected_rows ?? 0, removed: result.deleteCorsAllowedOrigins?.affected_rows ?? 0 };
}
