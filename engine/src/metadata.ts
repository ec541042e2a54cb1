/**
 * The metadata the engine serves. Loading and validation belong to
 * common/src/metadata (`loadMetadata(projectDir)`); this module only names the
 * type the engine passes around so that extensions import it from one place.
 */
// Until common/src/metadata lands, the loaded metadata is an opaque JSON object;
// the engine narrows the parts it reads with its own zod schemas (schema/model.ts).
export type EngineMetadata = Readonly<Record<string, unknown>>;
