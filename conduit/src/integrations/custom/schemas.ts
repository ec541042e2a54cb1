/**
 * Custom integrations: the controller defines its events and how their fields
 * map onto the PII taxonomy (stored in data_processors.event_definitions and
 * field_mappings). These schemas validate that configuration (onboarding) and
 * build the per-event payload validator (intake).
 */
import { z } from "zod";
import { PiiTypeSchema } from "../../../../common/src/pii";

/** A dotted field path into the event body, e.g. `customer.email` or `items.*.email`. */
const FieldPath = z.string().regex(/^[A-Za-z_$][\w$-]*(\.([A-Za-z_$][\w$-]*|\*))*$/, "expected a dotted field path");

export const FieldDefinitionSchema = z.object({
  path: FieldPath,
  type: z.enum(["string", "number", "boolean", "object", "array"]),
  required: z.boolean().default(false),
});

export const EventDefinitionSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, "letters, digits and _ . : - only"),
  description: z.string().max(500).optional(),
  fields: z.array(FieldDefinitionSchema).max(200).default([]),
});
export type EventDefinition = z.infer<typeof EventDefinitionSchema>;

export const FieldMappingSchema = z.object({
  /** Event name the mapping applies to, or "*" for every event. */
  event: z.string().min(1).default("*"),
  path: FieldPath,
  piiType: PiiTypeSchema,
});
export type FieldMapping = z.infer<typeof FieldMappingSchema>;

export const CustomIntegrationConfigSchema = z.object({
  eventDefinitions: z.array(EventDefinitionSchema).min(1).max(100),
  fieldMappings: z.array(FieldMappingSchema).max(500).default([]),
}).superRefine((config, ctx) => {
  const names = new Set<string>();
  config.eventDefinitions.forEach((d, i) => {
    if (names.has(d.name)) ctx.addIssue({ code: "custom", path: ["eventDefinitions", i, "name"], message: "duplicate event name" });
    names.add(d.name);
  });
  config.fieldMappings.forEach((m, i) => {
    if (m.event !== "*" && !names.has(m.event)) ctx.addIssue({ code: "custom", path: ["fieldMappings", i, "event"], message: "names no defined event" });
  });
});
export type CustomIntegrationConfig = z.infer<typeof CustomIntegrationConfigSchema>;

/** Every custom event: `event` and `triggeredAt` required; other keys are validated by the definition. */
export const CustomEnvelopeSchema = z.looseObject({
  event: z.string().min(1),
  triggeredAt: z.string().datetime({ offset: true }),
  eventId: z.string().min(1).max(200).optional(),
});

const TYPE_SCHEMAS = {
  string: z.string(),
  number: z.number(),
  boolean: z.boolean(),
  object: z.record(z.string(), z.unknown()),
  array: z.array(z.unknown()),
} as const;

/** Checks the configured fields of one event; extra fields are ignored. Returns issues (paths, never values). */
export function checkDefinedFields(body: Record<string, unknown>, definition: EventDefinition): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  for (const field of definition.fields) {
    if (field.path.includes("*")) continue; // wildcard paths are mapped, not type-checked
    let value: unknown = body;
    for (const part of field.path.split(".")) {
      value = value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>)[part] : undefined;
    }
    if (value === undefined || value === null) {
      if (field.required) issues.push({ path: field.path, message: "is required" });
      continue;
    }
    if (!TYPE_SCHEMAS[field.type].safeParse(value).success) issues.push({ path: field.path, message: `expected ${field.type}` });
  }
  return issues;
}
