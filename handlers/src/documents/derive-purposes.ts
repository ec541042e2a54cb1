/**
 * Purposes an integration implies: the ones its service implies
 * (documents/service-catalog.ts) plus the one its config names
 * (`config.purpose` with `config.legalBasis`). Only the missing ones are
 * created; existing purposes are never changed, since the organization may
 * have edited them. Creating a purpose fires generate_controller_documents,
 * which regenerates the documents. A disabled integration implies nothing.
 *
 * derivePurposes serves generate_controller_purposes (one integration added or
 * reconfigured); deriveControllerPurposes serves the regenerate_purposes job
 * that a profile edit queues (every connected integration of the
 * organization, scheduling/run-scheduled-event.ts). Both insert with
 * `on_conflict do nothing` on (controller, slug), so a rerun or two runs at
 * once create each purpose once.
 */
import type { HandlersSdk } from "../adapters/sdk";
import { purposeInsertRow } from "../controllers/purpose-row";
import { serviceProfile, type DerivedPurpose } from "./service-catalog";

const SLUG = /^[a-z0-9][a-z0-9_-]*$/;
const BASES = new Set(["consent", "contract", "legal_obligation", "vital_interests", "public_task", "legitimate_interests"]);
const CONNECTED = new Set(["active", "pending"]);

interface ProcessorForPurposes {
  service: string;
  status: string;
  config: Record<string, unknown>;
}

/** The purposes one connected integration implies, by slug (empty for a disabled one). */
export function impliedPurposes(processor: ProcessorForPurposes): Map<string, DerivedPurpose> {
  if (!CONNECTED.has(processor.status)) return new Map();
  const wanted = new Map<string, DerivedPurpose>(serviceProfile(processor.service).purposes.map((p) => [p.slug, p]));
  const declared = processor.config["purpose"];
  const basis = processor.config["legalBasis"];
  // Legitimate interests needs the interest stated (Art. 13(1)(d)); a config
  // cannot carry it, so such a declaration is left for the organization.
  if (typeof declared === "string" && SLUG.test(declared) && !wanted.has(declared) && typeof basis === "string" && BASES.has(basis) && basis !== "legitimate_interests") {
    wanted.set(declared, { slug: declared, name: declared.replace(/[_-]+/g, " ").replace(/^./, (c) => c.toUpperCase()), description: `Declared by the ${processor.service} integration.`, legalBasis: basis as DerivedPurpose["legalBasis"], retentionDays: null, retentionCriteria: "To be set by the organization." });
  }
  return wanted;
}

async function insertMissing(
  controllerId: string,
  wanted: Map<string, DerivedPurpose>,
  existingSlugs: readonly string[],
  sdk: Pick<HandlersSdk, "InsertDerivedPurposes">,
): Promise<{ created: string[] }> {
  const existing = new Set(existingSlugs);
  const missing = [...wanted.values()].filter((p) => !existing.has(p.slug)).sort((a, b) => (a.slug < b.slug ? -1 : 1));
  if (missing.length === 0) return { created: [] };
  await sdk.InsertDerivedPurposes({ purposes: missing.map((p) => purposeInsertRow(controllerId, p)) });
  return { created: missing.map((p) => p.slug) };
}

/** generate_controller_purposes: the missing purposes of one integration. */
export async function derivePurposes(
  processorId: string,
  deps: { sdk: Pick<HandlersSdk, "FindProcessorForPurposes" | "InsertDerivedPurposes"> },
): Promise<{ created: string[] } | { skipped: "processor_gone" | "inactive" }> {
  const { dataProcessor: processor } = await deps.sdk.FindProcessorForPurposes({ id: processorId });
  if (!processor) return { skipped: "processor_gone" };
  if (!CONNECTED.has(processor.status)) return { skipped: "inactive" };
  return insertMissing(processor.controllerId, impliedPurposes(processor), processor.controller.purposes.map((p) => p.slug), deps.sdk);
}

/** regenerate_purposes: the missing purposes of every connected integration of the organization. */
export async function deriveControllerPurposes(
  controllerId: string,
  deps: { sdk: Pick<HandlersSdk, "FindControllerProcessorsForPurposes" | "InsertDerivedPurposes"> },
): Promise<{ created: string[] } | { skipped: "controller_gone" }> {
  const { dataController: controller } = await deps.sdk.FindControllerProcessorsForPurposes({ controllerId });
  if (!controller) return { skipped: "controller_gone" };
  const wanted = new Map<string, DerivedPurpose>();
  for (const processor of controller.dataProcessors) {
    for (const [slug, purpose] of impliedPurposes(processor)) if (!wanted.has(slug)) wanted.set(slug, purpose);
  }
  return insertMissing(controller.id, wanted, controller.purposes.map((p) => p.slug), deps.sdk);
}
