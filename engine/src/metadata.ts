/**
 * The metadata the engine serves. Loading and validation belong to
 * common/src/metadata (`loadMetadata(projectDir)`); this module only names the
 * type the engine passes around so that extensions import it from one place.
 */
import type { Metadata } from "../../common/src/metadata";

export type EngineMetadata = Metadata;
export { loadMetadata } from "../../common/src/metadata";
