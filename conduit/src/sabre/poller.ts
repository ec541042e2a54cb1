/**
 * Sabre SynXis is pulled, not pushed (integrations spec §18). conduit itself
 * runs this poller (not a Hasura cron through handlers): it needs the same
 * intake path, secrets and PII keys as the webhooks, and keeping it here means
 * handlers never see raw guest data. Enable it on ONE replica
 * (SABRE_POLL_INTERVAL_MS > 0); a second poller would only produce duplicates
 * that the platform-id constraint drops.
 *
 * Per active `sabre-synxis` processor: request messages after the last stored
 * sequence number, page by page; store each page's reservations through the
 * same de-duplication and intake write as a webhook; only after the write has
 * committed, acknowledge each item to Sabre and save the new sequence number.
 * A failed write leaves the sequence where it was, so the next poll retries.
 */
import { z } from "zod";
import type { SecretKeyRing } from "../../../common/src/crypto";
import type { Logger } from "../../../common/src/logger";
import type { PiiMasterKeys } from "../../../common/src/pii";
import { buildRows } from "../intake/build-rows";
import { processorSecrets } from "../intake/processor-settings";
import { storeRows } from "../intake/receive-webhook";
import type { IntakeStore, ProcessorRecord } from "../store/types";
import { acknowledgeRequest, getMessagesRequest, parseMessagesResponse } from "./messages";

export const SabreConfigSchema = z.looseObject({
  sabreBaseUrl: z.string().url(),
  hotelCode: z.string().min(1),
  chainCode: z.string().min(1),
  sabreLastSequence: z.number().int().min(0).default(0),
  sabrePageSize: z.number().int().min(1).max(500).default(50),
  defaultRegion: z.string().regex(/^[A-Z]{2}$/).optional(),
});

export interface SabrePollDeps {
  store: IntakeStore;
  listProcessors(): Promise<ProcessorRecord[]>;
  saveConfig(processorId: string, config: Record<string, unknown>): Promise<void>;
  secretKeys: SecretKeyRing;
  piiKeys: PiiMasterKeys;
  defaultRegion: string;
  dedupWindowSeconds: number;
  now: () => Date;
  logger: Logger;
  fetch?: typeof fetch;
  /** Upper bound on pages per processor per poll (bounded loop). */
  maxPages?: number;
  timeoutMs?: number;
}

export interface PollResult {
  processorId: string;
  pages: number;
  items: number;
  stored: number;
  acknowledged: number;
  lastSequence: number;
}

function credentials(processor: ProcessorRecord, keys: SecretKeyRing): { username: string; password: string } {
  // Stored as the processor's encrypted secret, "username:password".
  const [secret] = processorSecrets(processor, keys);
  const colon = secret?.indexOf(":") ?? -1;
  if (!secret || colon <= 0) throw new Error(`[conduit/sabre] processor ${processor.id} has no "username:password" credentials`);
  return { username: secret.slice(0, colon), password: secret.slice(colon + 1) };
}

async function post(deps: SabrePollDeps, url: string, xml: string): Promise<string> {
  const res = await (deps.fetch ?? fetch)(url, {
    method: "POST",
    headers: { "content-type": "text/xml; charset=utf-8", soapaction: '""' },
    body: xml,
    signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`[conduit/sabre] ${url} answered HTTP ${res.status}`);
  return text;
}

/** Polls one processor until it has no more new messages (or maxPages). */
export async function pollSabreProcessor(processor: ProcessorRecord, deps: SabrePollDeps): Promise<PollResult> {
  const config = SabreConfigSchema.parse(processor.config ?? {});
  const creds = credentials(processor, deps.secretKeys);
  const result: PollResult = { processorId: processor.id, pages: 0, items: 0, stored: 0, acknowledged: 0, lastSequence: config.sabreLastSequence };
  const maxPages = deps.maxPages ?? 20;
  while (result.pages < maxPages) {
    const start = result.lastSequence + 1;
    const xml = await post(deps, config.sabreBaseUrl, getMessagesRequest(creds, { hotelCode: config.hotelCode, chainCode: config.chainCode, start, end: start + config.sabrePageSize - 1 }));
    const page = parseMessagesResponse(xml);
    result.pages += 1;
    if (page.highestSeq === undefined) break;
    const now = deps.now();
    const built = buildRows(
      {
        controllerId: processor.controllerId,
        processorId: processor.id,
        service: "sabre-synxis",
        receivedAt: now,
        defaultRegion: config.defaultRegion ?? deps.defaultRegion,
        events: page.items.map((item) => ({
          eventType: item.messageType,
          platformEventId: `${config.hotelCode}:${item.seq}:${item.messageType}:${item.crsConfirmation ?? "-"}`,
          pii: item.pii,
        })),
      },
      deps.piiKeys,
    );
    // The write commits before anything is acknowledged to Sabre.
    const stored = await storeRows(built, processor.controllerId, processor.id, "sabre-synxis", deps, now);
    result.items += page.items.length;
    result.stored += stored.stored;
    for (const [i, item] of page.items.entries()) {
      if (!item.crsConfirmation) continue;
      await post(deps, config.sabreBaseUrl, acknowledgeRequest(creds, {
        messageType: item.messageType,
        crsConfirmation: item.crsConfirmation,
        hotelCode: config.hotelCode,
        ok: true,
        // Our confirmation: the intake content key prefix identifies the stored row without revealing data.
        pmsConfirmation: `PP-${built[i].row.contentKey.slice(0, 16)}`,
      }));
      result.acknowledged += 1;
    }
    result.lastSequence = Math.max(result.lastSequence, page.highestSeq);
    await deps.saveConfig(processor.id, { ...(processor.config as Record<string, unknown>), sabreLastSequence: result.lastSequence });
    if (page.highestSeq < start + config.sabrePageSize - 1) break;
  }
  return result;
}

/** Polls every active Sabre processor once; one failing processor does not stop the others. */
export async function pollAllSabre(deps: SabrePollDeps): Promise<PollResult[]> {
  const results: PollResult[] = [];
  for (const processor of await deps.listProcessors()) {
    try {
      const r = await pollSabreProcessor(processor, deps);
      deps.logger.info({ integration: "sabre-synxis", processorId: processor.id, pages: r.pages, items: r.items, stored: r.stored, lastSequence: r.lastSequence }, "sabre poll done");
      results.push(r);
    } catch (err: unknown) {
      deps.logger.error({ integration: "sabre-synxis", processorId: processor.id, err: err instanceof Error ? err.message : String(err) }, "sabre poll failed; retried next time");
    }
  }
  return results;
}

/** Runs pollAllSabre every `intervalMs`, never two at once; `stop()` waits for a running poll. */
export function startSabrePoller(deps: SabrePollDeps, intervalMs: number): { stop(): Promise<void> } {
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = pollAllSabre(deps).finally(() => {
      running = undefined;
    });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
