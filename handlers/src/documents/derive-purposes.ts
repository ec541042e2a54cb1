/**
 * generate_controller_purposes: an integration was added or reconfigured;
 * create the purposes its service implies (documents/service-catalog.ts)
 * that the organization does not have yet, plus the one its config names
 * (`config.purpose` with `config.legalBasis`) when missing. Existing purposes
 * are never changed: the organization may have edited them. Creating a
 * purpose fires generate_controller_documents, which regenerates the
 * documents. A disabled integration implies nothing.
 */
import type { HandlersSdk } from "../adapters/sdk";
import { serviceProfile, type DerivedPurpose } from "./service-catalog";

const SLUG = /^[a-z0-9][a-z0-9_-]*$/;
const BASES = new Set(["consent", "contract", "legal_obligation", "vital_interests", "public_task", "legitimate_interests"]);

export async function derivePurposes(
  processorId: string,
  deps: { sdk: Pick<HandlersSdk, "FindProcessorForPurposes" | "InsertDerivedPurposes"> },
): Promise<{ created: string[] } | { skipped: "processor_gone" | "inactive" }> {
  const { dataProcessor: processor } = await deps.sdk.FindProcessorForPurposes({ id: processorId });
  if (!processor) return { skipped: "processor_gone" };
  if (!["active", "pending"].includes(processor.status)) return { skipped: "inactive" };
  const existing = new Set(processor.controller.purposes.map((p) => p.slug));
  const wanted = new Map<string, DerivedPurpose>(serviceProfile(processor.service).purposes.map((p) => [p.slug, p]));
  const declared = processor.config["purpose"];
  const basis = processor.config["legalBasis"];
  if (typeof declared === "string" && SLUG.test(declared) && !wanted.has(declared) && typeof basis === "string" && BASES.has(basis) && basis !== "legitimate_interests") {
    wanted.set(declared, { slug: declared, name: declared.replace(/[_-]+/g, " ").replace(/^./, (c) => c.toUpperCase()), description: `Declared by the ${processor.service} integration.`, legalBasis: basis as DerivedPurpose["legalBasis"], retentionDays: null, retentionCriteria: "To be set by the organization." });
  }
  const missing = [...wanted.values()].filter((p) => !existing.has(p.slug)).sort((a, b) => (a.slug < b.slug ? -1 : 1));
  if (missing.length === 0) return { created: [] };
  await deps.sdk.InsertDerivedPurposes({
    purposes: missing.map((p) => ({
      controllerId: processor.controllerId,
      slug: p.slug,
      name: p.name,
      description: p.description,
      legalBasis: p.legalBasis,
      legitimateInterest: p.legitimateInterest ?? null,
      retentionDays: p.retentionDays,
      retentionCriteria: p.retentionCriteria ?? null,
    })),
  });
  return { created: missing.map((p) => p.slug) };
}
