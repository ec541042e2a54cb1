drop trigger webhook_intake_skip_recent_content on public.webhook_intake;
drop function public.webhook_intake_skip_recent_content();
alter table public.webhook_intake
  drop constraint webhook_intake_dedup_window_check,
  drop column dedup_window_seconds;
