-- forbid_update() also blocked the UPDATE that an "on delete set null" foreign
-- key performs, so deleting a processor or a user failed once a timeline entry
-- referred to it. Let through exactly that: an update issued by another trigger
-- (referential actions run as triggers, so pg_trigger_depth() > 1) that only
-- sets columns to null. Everything a client sends still fails.
create or replace function public.forbid_update() returns trigger
  language plpgsql as $$
begin
  if pg_trigger_depth() > 1 and not exists (
       select 1
         from jsonb_each(to_jsonb(new)) as n
         join jsonb_each(to_jsonb(old)) as o using (key)
        where n.value is distinct from o.value and n.value <> 'null'::jsonb) then
    return new;
  end if;
  raise exception 'rows of %.% are append-only; insert a new row instead', tg_table_schema, tg_table_name
    using errcode = 'check_violation';
end;
$$;
