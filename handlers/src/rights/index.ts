/**
 * Rights requests (issue 7, first part): the event triggers, actions and cron
 * this folder implements, bound to their services, for the registries in
 * src/events, src/actions and src/crons.
 */
import { data_subject_rights_requests_insert } from "../events/data_subject_rights_requests_insert";
import { data_subject_rights_requests_update } from "../events/data_subject_rights_requests_update";
import { bindEventModule } from "../events/define";
import { insertRightsRequest } from "../actions/insertRightsRequest";
import { verifyRightsRequest } from "../actions/verifyRightsRequest";
import { bindCronModule } from "../crons/define";
import { dsar_compliance_check } from "../crons/dsar_compliance_check";
import type { ActionHandler, CronHandler, EventHandler } from "../registry";
import type { RightsServices } from "./services";

export function createRightsEventHandlers(services: RightsServices): EventHandler[] {
  return [bindEventModule(data_subject_rights_requests_insert, services), bindEventModule(data_subject_rights_requests_update, services)];
}

export function createRightsActionHandlers(services: RightsServices): ActionHandler[] {
  return [insertRightsRequest(services), verifyRightsRequest(services)];
}

export function createRightsCronHandlers(services: RightsServices): CronHandler[] {
  return [bindCronModule(dsar_compliance_check, services)];
}

export type { RightsOptions, RightsServices } from "./services";
