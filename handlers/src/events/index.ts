/**
 * Every event-trigger module handlers ship, bound to their services. Names
 * are the trigger names in hasura/metadata (one grep finds both sides).
 */
import type { EventHandler } from "../registry";
import { data_processing_activities_insert } from "./data_processing_activities_insert";
import { data_subjects_insert } from "./data_subjects_insert";
import { bindEventModule } from "./define";
import type { HandlerServices } from "./services";
import { webhook_intake_insert } from "./webhook_intake_insert";

export function createEventHandlers(services: HandlerServices): EventHandler[] {
  return [
    bindEventModule(webhook_intake_insert, services),
    bindEventModule(data_processing_activities_insert, services),
    bindEventModule(data_subjects_insert, services),
  ];
}
