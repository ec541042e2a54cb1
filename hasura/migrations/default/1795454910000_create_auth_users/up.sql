-- Platform accounts. Authentication itself happens at the identity provider
-- that signs our JWTs; this table holds the profile the API needs. The schema
-- is `auth` so the event trigger reads auth_users_insert.
create schema auth;
comment on schema auth is 'Platform user accounts (people who log in to manage organizations).';

create table auth.users (
  id uuid primary key default gen_random_uuid(),
  email text not null,
  display_name text,
  avatar_url text,
  locale text not null default 'en',
  default_role text not null default 'user',
  is_anonymous boolean not null default false,
  email_verified boolean not null default false,
  disabled boolean not null default false,
  last_seen_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint users_default_role_check check (default_role in ('user', 'anonymous')),
  constraint users_locale_check check (locale ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$'),
  constraint users_email_check check (position('@' in email) > 1 and length(email) <= 254)
);
comment on table auth.users is 'Platform accounts; membership in organizations is in public.data_controller_users.';

-- Addresses are compared case-insensitively (privacy-domain.md 12.3 lowercases
-- them), so one person cannot hold two accounts that differ only in case.
create unique index users_email_key on auth.users (lower(email));

create trigger users_set_updated_at before update on auth.users
  for each row execute function public.set_updated_at();
