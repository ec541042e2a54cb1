/**
 * insertRightsRequest: a Transparency Center submission (privacy-domain.md
 * 2, 4). The address is stored only encrypted (to send the verification and
 * result e-mails) and as a keyed hash (to match links after verification).
 * Nobody is looked up here: the answer is the same whether or not the person
 * is known, so the form cannot probe who is a customer (section 4).
 */
import { z } from "zod";
import { encryptSecret } from "../../../common/src/crypto";
import { NotFoundError, RateLimitedError, ValidationError } from "../../../common/src/errors";
import { canonicalEmail, deriveControllerKey, hashIdentifier } from "../../../common/src/pii";
import type { HandlersSdk } from "../adapters/sdk";
import { RegimeSchema, RightsRequestTypeSchema } from "./deadlines";
import { deadlineInstants, REQUESTER_EMAIL_CONTEXT } from "./request-context";
import type { RightsOptions } from "./services";

const MAX_DETAILS_BYTES = 8 * 1024;

export const InsertRightsRequestInputSchema = z.object({
  did: z.string().min(1).max(300),
  requestType: RightsRequestTypeSchema,
  email: z.string().min(3).max(320),
  regime: RegimeSchema.nullish(),
  jurisdiction: z.string().min(1).max(64).nullish(),
  locale: z.string().min(2).max(35).nullish(),
  authorizedAgent: z.boolean().nullish(),
  details: z
    .record(z.string(), z.unknown())
    .nullish()
    .refine((v) => v === null || v === undefined || Buffer.byteLength(JSON.stringify(v)) <= MAX_DETAILS_BYTES, { message: `must be at most ${MAX_DETAILS_BYTES} bytes of JSON` }),
});
export type InsertRightsRequestInput = z.infer<typeof InsertRightsRequestInputSchema>;

export interface InsertRightsRequestOutput {
  [key: string]: unknown;
  requestId: string;
  requestType: string;
  status: string;
  receivedAt: string;
  dueAt: string | null;
  verificationRequired: boolean;
}

export interface SubmitDeps {
  sdk: Pick<HandlersSdk, "FindRightsController" | "CreateRightsRequest">;
  secretKeys: Parameters<typeof encryptSecret>[1];
  rights: Pick<RightsOptions, "piiKeys" | "rateLimiter">;
  now: () => Date;
}

/**
 * Stores the request; throws ValidationError (bad address), NotFoundError (no
 * organization with that DID) or RateLimitedError (too many submissions from
 * this client for this organization).
 */
export async function submitRightsRequest(input: InsertRightsRequestInput, clientIp: string, deps: SubmitDeps): Promise<InsertRightsRequestOutput> {
  const now = deps.now();
  // Limit before anything else, so unknown DIDs cost the same attempt.
  const limit = deps.rights.rateLimiter.hit(`${clientIp}|${input.did}`, now);
  if (!limit.allowed) throw new RateLimitedError("Too many requests from this address; try again later", limit.retryAfterSeconds);
  const email = canonicalEmail(input.email);
  if (email === undefined) throw new ValidationError("Invalid rights request", [{ path: "input.email", message: "is not an e-mail address" }]);

  const found = await deps.sdk.FindRightsController({ did: input.did });
  const controller = found.dataControllers[0];
  if (!controller) throw new NotFoundError("No organization with this DID accepts requests here");
  const regime = input.regime ?? RegimeSchema.catch("gdpr_eu").parse(controller.details?.defaultRegime);
  const deadlines = deadlineInstants({ regime, requestType: input.requestType, receivedAt: now, timeZone: controller.details?.timezone, settings: controller.settings });

  const key = deriveControllerKey(deps.rights.piiKeys, controller.id);
  const created = await deps.sdk.CreateRightsRequest({
    object: {
      controllerId: controller.id,
      requestType: input.requestType,
      status: "received",
      regime,
      jurisdiction: input.jurisdiction ?? null,
      source: "transparency_center",
      requesterType: input.authorizedAgent ? "authorized_agent" : "subject",
      requesterEmailEncrypted: encryptSecret(email, deps.secretKeys, REQUESTER_EMAIL_CONTEXT),
      requesterEmailHash: hashIdentifier(key, "email", email),
      requestDetails: { ...(input.details ?? {}), ...(input.locale ? { locale: input.locale } : {}) },
      receivedAt: now.toISOString(),
      receivedOn: deadlines.receivedOn,
      dueAt: deadlines.dueAt,
      targetDueAt: deadlines.targetDueAt,
      ackDueAt: deadlines.ackDueAt,
    },
  });
  const row = created.insertDataSubjectRightsRequest;
  if (!row) throw new Error("[handlers/rights] the request was not stored");
  return {
    requestId: row.id,
    requestType: input.requestType,
    status: row.status,
    receivedAt: row.receivedAt,
    dueAt: row.dueAt,
    // CCPA opt-outs need no verification (11 CCR 7026).
    verificationRequired: input.requestType !== "opt_out",
  };
}
