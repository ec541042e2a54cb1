/**
 * Cron trigger sweep_stranded_intake (every 5 minutes): intake rows still
 * pending after their event trigger gave up or was lost, processed by the
 * trigger's own code (intake/sweep-stranded-intake.ts).
 */
import { DEFAULT_INTAKE_SWEEP } from "../intake/config";
import { sweepStrandedIntake } from "../intake/sweep-stranded-intake";
import type { CronModule } from "./define";
import type { CronServices } from "./services";

export const sweep_stranded_intake: CronModule<CronServices> = {
  name: "sweep_stranded_intake",
  async handle(event, services, ctx) {
    const result = await sweepStrandedIntake(services.intakeSweep ?? DEFAULT_INTAKE_SWEEP, { sdk: services.sdk, logger: ctx.logger, now: ctx.now });
    ctx.logger.info({ scheduledTime: event.scheduled_time, ...result }, "stranded intake sweep finished");
    return { ...result };
  },
};
