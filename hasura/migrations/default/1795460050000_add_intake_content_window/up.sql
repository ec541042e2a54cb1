-- conduit's content de-duplication window (issue 5, ARCHITECTURE.md flow 1),
-- decided by the insert itself instead of a separate read before it.
--
-- Each intake row carries the window conduit applied (dedup_window_seconds;
-- NULL or 0 = none). A row with identifiers whose content key (same controller,
-- processor, event type and PII hashes) was already received within that window
-- is skipped: the BEFORE trigger returns NULL, so the row is neither stored nor
-- returned by the insert, and conduit counts it as a duplicate.
--
-- Deciding in the insert closes the race a read-then-write had: two replicas (or
-- two batches of one) receiving the same content at once both read "not seen"
-- and both wrote. The transaction-scoped advisory lock on (controller, content
-- key) makes the second insert wait for the first to commit or roll back; the
-- check then runs with a fresh snapshot (plpgsql, READ COMMITTED) and sees the
-- committed row. Rows earlier in the same statement are visible to the check
-- too, so a batch holding the same content twice stores it once. conduit sorts
-- each batch by content key, so concurrent batches take the locks in one order.
alter table public.webhook_intake
  add column dedup_window_seconds integer,
  add constraint webhook_intake_dedup_window_check check (dedup_window_seconds is null or dedup_window_seconds >= 0);
comment on column public.webhook_intake.dedup_window_seconds is
  'The content de-duplication window conduit applied to this row, in seconds (NULL or 0: none).';

create function public.webhook_intake_skip_recent_content() returns trigger
  language plpgsql as $$
declare
  last_seen timestamptz;
begin
  if coalesce(new.dedup_window_seconds, 0) = 0 or jsonb_array_length(new.pii) = 0 then
    return new;
  end if;
  perform pg_advisory_xact_lock(hashtextextended('webhook_intake:' || new.controller_id::text || ':' || new.content_key, 0));
  -- The latest row with this content key. Ordered by received_at so that the
  -- plan is webhook_intake_content_key_idx (controller_id, content_key,
  -- received_at desc) even before the table has statistics: a plain EXISTS was
  -- planned on webhook_intake_platform_event_key (controller_id first, too) in
  -- a fresh database and read every row of the controller per insert.
  select w.received_at into last_seen
    from public.webhook_intake w
    where w.controller_id = new.controller_id and w.content_key = new.content_key
    order by w.received_at desc
    limit 1;
  if last_seen is not null and last_seen >= new.received_at - make_interval(secs => new.dedup_window_seconds) then
    return null;
  end if;
  return new;
end;
$$;
comment on function public.webhook_intake_skip_recent_content() is
  'Skips an intake row whose content key was received within the row''s de-duplication window (see dedup_window_seconds).';

create trigger webhook_intake_skip_recent_content before insert on public.webhook_intake
  for each row execute function public.webhook_intake_skip_recent_content();
