/**
 * Every event-trigger module handlers ship, bound to their services. Names
 * are the trigger names in hasura/metadata (one grep finds both sides).
 */
import type { EventHandler } from "../registry";
import { auth_users_insert } from "./auth_users_insert";
import { data_controller_create_user } from "./data_controller_create_user";
import { data_controller_details_update } from "./data_controller_details_update";
import { data_controller_users_update } from "./data_controller_users_update";
import { data_controllers_insert } from "./data_controllers_insert";
import { data_processing_activities_insert } from "./data_processing_activities_insert";
import { data_subject_preference_values_update } from "./data_subject_preference_values_update";
import { data_subjects_insert } from "./data_subjects_insert";
import { bindEventModule } from "./define";
import { domain_verification_cors_sync } from "./domain_verification_cors_sync";
import { generate_controller_documents } from "./generate_controller_documents";
import { generate_controller_purposes } from "./generate_controller_purposes";
import { generate_v0_profile } from "./generate_v0_profile";
import { scheduled_events_insert } from "./scheduled_events_insert";
import { createRightsEventHandlers } from "../rights";
import type { HandlerServices } from "./services";
import { webhook_intake_insert } from "./webhook_intake_insert";

export function createEventHandlers(services: HandlerServices): EventHandler[] {
  return [
    bindEventModule(webhook_intake_insert, services),
    bindEventModule(data_processing_activities_insert, services),
    bindEventModule(data_subjects_insert, services),
    bindEventModule(data_controllers_insert, services),
    bindEventModule(data_controller_details_update, services),
    bindEventModule(auth_users_insert, services),
    bindEventModule(data_controller_create_user, services),
    bindEventModule(data_controller_users_update, services),
    bindEventModule(domain_verification_cors_sync, services),
    bindEventModule(data_subject_preference_values_update, services),
    bindEventModule(generate_v0_profile, services),
    bindEventModule(generate_controller_documents, services),
    bindEventModule(generate_controller_purposes, services),
    bindEventModule(scheduled_events_insert, services),
    ...(services.rights ? createRightsEventHandlers({ ...services, rights: services.rights }) : []),
  ];
}
