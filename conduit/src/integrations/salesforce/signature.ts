/**
 * Salesforce Outbound Messaging carries NO signature (integrations spec §14).
 * Salesforce's security guidance is TLS, its IP ranges, optional mutual TLS and
 * checking that `OrganizationId` is the expected org. conduit relies on the URL
 * token and checks the OrganizationId against the processor's configured
 * `salesforceOrganizationId` (required: without it every message is refused).
 */
import { sameIdentifier } from "../core";
import type { ProcessorChecks, Verification } from "../types";

/** Salesforce ids are 15 or 18 characters; the first 15 are the case-sensitive id. */
function id15(id: string): string {
  return id.trim().slice(0, 15);
}

export function verifySalesforceOrganization(organizationId: string | undefined, checks: ProcessorChecks): Verification {
  if (!checks.salesforceOrganizationId) return { ok: false, reason: "tenant_mismatch" };
  if (!organizationId) return { ok: false, reason: "missing_signature" };
  return sameIdentifier(id15(organizationId), id15(checks.salesforceOrganizationId)) ? { ok: true } : { ok: false, reason: "tenant_mismatch" };
}
