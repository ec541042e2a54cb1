/** The two data calls the Sabre poller adds to the intake store: list active processors, save progress. */
import { z } from "zod";
import { createAdminRequest, type AdminClientOptions } from "../store/operations";
import { ProcessorRecordSchema, type ProcessorRecord } from "../store/types";

export function createSabreProcessorSource(options: AdminClientOptions): {
  listProcessors(): Promise<ProcessorRecord[]>;
  saveConfig(processorId: string, config: Record<string, unknown>): Promise<void>;
} {
  const request = createAdminRequest(options);
  return {
    async listProcessors() {
      const r = await request(z.object({ dataProcessors: z.array(ProcessorRecordSchema) }), "FindPollingDataProcessors", { service: "sabre-synxis" });
      return r.dataProcessors;
    },
    async saveConfig(processorId, config) {
      await request(z.object({ updateDataProcessor: z.object({ id: z.string() }).nullable() }), "UpdateDataProcessor", { id: processorId, set: { config } });
    },
  };
}
