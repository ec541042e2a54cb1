/**
 * The idempotency key of a consent sync job: one job per consent change,
 * purpose and integration (`integration_sync_jobs_idempotency_key`). The
 * table has no payload column, so the key also names the purpose the worker
 * reads the current decision for: `consent:<purposeId>:<change>:<processorId>`,
 * where <change> is the consent record that made the change.
 */
const KEY = /^consent:([0-9a-f-]{36}):([0-9a-f-]{36}):([0-9a-f-]{36})$/;

export function consentSyncKey(parts: { purposeId: string; changeId: string; processorId: string }): string {
  return `consent:${parts.purposeId}:${parts.changeId}:${parts.processorId}`;
}

export function parseConsentSyncKey(key: string): { purposeId: string; changeId: string; processorId: string } | null {
  const match = KEY.exec(key);
  return match ? { purposeId: match[1], changeId: match[2], processorId: match[3] } : null;
}
