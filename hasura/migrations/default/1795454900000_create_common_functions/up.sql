-- Helpers every later migration uses. gen_random_uuid() is built into
-- Postgres 13+, so no extension is needed (production runs postgres:16).

-- Keeps updated_at honest on every UPDATE, whichever client writes the row
-- (engine, Hasura, psql), instead of trusting each writer to set it.
create function public.set_updated_at() returns trigger
  language plpgsql as $$
begin
  new.updated_at := now();
  return new;
end;
$$;
comment on function public.set_updated_at() is
  'Row trigger: sets updated_at to now() on every update.';

-- Append-only records (consent proof, EDPB Guidelines 05/2020 section 5.1; the
-- rights-request timeline, 11 CCR 7101) are never edited in place: a change is a
-- new row. Deletion stays possible for erasure and controller removal.
create function public.forbid_update() returns trigger
  language plpgsql as $$
begin
  raise exception 'rows of %.% are append-only; insert a new row instead', tg_table_schema, tg_table_name
    using errcode = 'check_violation';
end;
$$;
comment on function public.forbid_update() is
  'Row trigger: rejects UPDATE on append-only tables (check_violation).';
