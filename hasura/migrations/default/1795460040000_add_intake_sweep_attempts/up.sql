-- The stranded-intake sweeper (handlers cron sweep_stranded_intake) picks up
-- intake rows still pending after their event trigger gave up or was lost.
-- It counts its own attempts on the row, so a row that keeps failing ends in
-- status 'failed' with last_error for an operator to see, instead of being
-- retried forever.
alter table public.webhook_intake
  add column attempts integer not null default 0,
  add column last_attempt_at timestamptz,
  add constraint webhook_intake_attempts_check check (attempts >= 0);
comment on column public.webhook_intake.attempts is
  'Times the stranded-intake sweeper claimed this row (the event trigger''s own retries are counted in the event log).';
comment on column public.webhook_intake.last_attempt_at is
  'When the stranded-intake sweeper last claimed this row; it waits the sweep age again before the next try.';
