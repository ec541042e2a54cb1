/** The data port of integration management (CLI and the handlers' custom-integration actions). */
import { z } from "zod";
import { createAdminRequest, type AdminClientOptions } from "../store/operations";
import { ControllerRecordSchema, ProcessorRecordSchema, type ControllerRecord, type ProcessorRecord } from "../store/types";

export const ProcessorSummarySchema = z.object({
  id: z.string().uuid(),
  controllerId: z.string().uuid(),
  service: z.string(),
  name: z.string(),
  status: z.string(),
  config: z.unknown().optional(),
  eventDefinitions: z.unknown().optional(),
  fieldMappings: z.unknown().optional(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
});
export type ProcessorSummary = z.infer<typeof ProcessorSummarySchema>;

export interface NewController {
  title: string;
  did: string;
  dxKeyHash: string;
  webhookSecretEncrypted: string;
  plan: string;
  trialExpiresAt: string | null;
}

export interface ProcessorFields {
  controllerId?: string;
  service?: string;
  name?: string;
  status?: string;
  signingSecretEncrypted?: string | null;
  apiKeyHash?: string | null;
  config?: Record<string, unknown>;
  eventDefinitions?: unknown[];
  fieldMappings?: unknown[];
  countryCode?: string | null;
}

export interface ManagementStore {
  findControllerByDid(did: string): Promise<ControllerRecord | undefined>;
  findControllerById(id: string): Promise<{ id: string; did: string } | undefined>;
  insertController(c: NewController): Promise<{ id: string; did: string }>;
  updateControllerSecrets(id: string, set: { dxKeyHash?: string; webhookSecretEncrypted?: string }): Promise<void>;
  insertProcessor(p: ProcessorFields): Promise<ProcessorSummary>;
  updateProcessor(id: string, set: ProcessorFields): Promise<ProcessorSummary | undefined>;
  findProcessor(id: string): Promise<ProcessorRecord | undefined>;
  listProcessors(controllerId: string, service?: string): Promise<ProcessorSummary[]>;
  deleteProcessor(id: string): Promise<boolean>;
}

export function createGraphqlManagementStore(options: AdminClientOptions): ManagementStore {
  const request = createAdminRequest(options);
  return {
    async findControllerByDid(did) {
      return (await request(z.object({ dataControllers: z.array(ControllerRecordSchema) }), "FindControllerByDid", { did })).dataControllers[0];
    },
    async findControllerById(id) {
      return (await request(z.object({ dataController: z.object({ id: z.string(), did: z.string() }).nullable() }), "FindDataController", { id })).dataController ?? undefined;
    },
    async insertController(object) {
      const r = await request(z.object({ insertDataController: z.object({ id: z.string(), did: z.string() }) }), "InsertDataController", { object });
      return r.insertDataController;
    },
    async updateControllerSecrets(id, set) {
      await request(z.object({ updateDataController: z.object({ id: z.string() }).nullable() }), "UpdateDataControllerSecrets", { id, set });
    },
    async insertProcessor(object) {
      return (await request(z.object({ insertDataProcessor: ProcessorSummarySchema }), "InsertDataProcessor", { object })).insertDataProcessor;
    },
    async updateProcessor(id, set) {
      return (await request(z.object({ updateDataProcessor: ProcessorSummarySchema.nullable() }), "UpdateDataProcessor", { id, set })).updateDataProcessor ?? undefined;
    },
    async findProcessor(id) {
      return (await request(z.object({ dataProcessor: ProcessorRecordSchema.nullable() }), "FindDataProcessor", { id })).dataProcessor ?? undefined;
    },
    async listProcessors(controllerId, service) {
      const where = { controllerId: { _eq: controllerId }, ...(service ? { service: { _eq: service } } : {}) };
      return (await request(z.object({ dataProcessors: z.array(ProcessorSummarySchema) }), "ListDataProcessors", { where })).dataProcessors;
    },
    async deleteProcessor(id) {
      return (await request(z.object({ deleteDataProcessor: z.object({ id: z.string() }).nullable() }), "DeleteDataProcessor", { id })).deleteDataProcessor !== null;
    },
  };
}
