-- Benchmark only (bench/engine): the user role's read rule of hasura/ as
-- Postgres roles and row-level security, so that PostGraphile serves the same
-- queries "with permissions on". Not a migration: it runs on the scratch
-- benchmark database after hasura/migrations and the seed.
--
-- Mirrors the select permissions of role `user` in
-- hasura/metadata/databases/default/tables/:
--   public_data_controllers.yaml            members: {user_id: {_eq: X-Hasura-User-Id}, status: {_eq: active}}
--   public_data_subjects.yaml               controller: {members: {same}}
--   public_data_processing_activities.yaml  controller: {members: {same}}
-- Hasura turns those relationship filters into EXISTS subqueries; the policies
-- below are the same EXISTS, so both servers ask Postgres the same question.
-- The user id arrives as the session setting jwt.claims.user_id, which the
-- PostGraphile server (server.ts) sets from the verified JWT, as Hasura takes
-- X-Hasura-User-Id from the JWT's claims.
--
-- The benchmark connects as a superuser, which bypasses row-level security:
-- the engine (it filters in its own SQL) and PostGraphile's admin scenarios
-- are unaffected; PostGraphile's user scenarios switch to bench_pgl_user.

do $$
begin
  -- Roles belong to the server, not the database: a shared BENCH_DATABASE_URL
  -- server may have them from an earlier run.
  if not exists (select from pg_roles where rolname = 'bench_pgl_user') then
    create role bench_pgl_user nologin;
  end if;
  if not exists (select from pg_roles where rolname = 'bench_pgl_anonymous') then
    create role bench_pgl_anonymous nologin;
  end if;
end
$$;

grant usage on schema public to bench_pgl_user;
grant select on public.data_controllers, public.data_controller_users, public.data_subjects, public.data_processing_activities
  to bench_pgl_user;

-- Plain SQL, not security definer, so Postgres inlines it into each policy.
create function public.bench_pgl_user_id() returns uuid
  language sql stable
  as $$ select nullif(current_setting('jwt.claims.user_id', true), '')::uuid $$;

alter table public.data_controller_users enable row level security;
-- A user sees their own memberships; the policies below read only those.
create policy bench_pgl_user_own on public.data_controller_users for select to bench_pgl_user
  using (user_id = public.bench_pgl_user_id());

alter table public.data_controllers enable row level security;
create policy bench_pgl_user_member on public.data_controllers for select to bench_pgl_user
  using (exists (
    select 1 from public.data_controller_users m
    where m.controller_id = data_controllers.id and m.user_id = public.bench_pgl_user_id() and m.status = 'active'));

alter table public.data_subjects enable row level security;
create policy bench_pgl_user_member on public.data_subjects for select to bench_pgl_user
  using (exists (
    select 1 from public.data_controller_users m
    where m.controller_id = data_subjects.controller_id and m.user_id = public.bench_pgl_user_id() and m.status = 'active'));

alter table public.data_processing_activities enable row level security;
create policy bench_pgl_user_member on public.data_processing_activities for select to bench_pgl_user
  using (exists (
    select 1 from public.data_controller_users m
    where m.controller_id = data_processing_activities.controller_id and m.user_id = public.bench_pgl_user_id() and m.status = 'active'));

-- PostGraphile v5 offers conditions only on columns with a full (non-partial)
-- index; compliance_status has only the partial data_processing_activities_compliance_idx.
-- Hasura allows a where on any selectable column, so the nested query filters
-- on it there; this smart comment gives PostGraphile the same condition.
comment on column public.data_processing_activities.compliance_status is '@isIndexed';
