/**
 * What the event modules are bound to: adapters built once in main.ts (or a
 * test) and passed in (STYLE.md section 1). Domain functions below the modules
 * take only the slice they use.
 */
import type { HandlersSdk } from "../adapters/sdk";

export interface HandlerServices {
  sdk: HandlersSdk;
}
