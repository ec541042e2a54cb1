alter table public.webhook_intake
  drop constraint webhook_intake_attempts_check,
  drop column last_attempt_at,
  drop column attempts;
