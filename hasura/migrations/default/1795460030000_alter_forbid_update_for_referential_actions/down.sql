create or replace function public.forbid_update() returns trigger
  language plpgsql as $$
begin
  raise exception 'rows of %.% are append-only; insert a new row instead', tg_table_schema, tg_table_name
    using errcode = 'check_violation';
end;
$$;
