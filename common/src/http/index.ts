/** Shared Express pieces: request ids, JSON errors, health. See README.md here. */
export { getRequestId, isRequestId, requestId, REQUEST_ID_HEADER } from "./request-id";
export { errorHandler, notFoundHandler, routeLabel, toAppError } from "./errors";
export type { ErrorHandlerOptions } from "./errors";
export { healthRouter } from "./health";
export type { HealthBody, HealthCheck, HealthOptions } from "./health";
export { issuesFromZod, parseOrThrow } from "./validate";
