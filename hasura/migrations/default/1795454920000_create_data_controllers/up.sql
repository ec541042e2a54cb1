-- Organizations that use the platform ("data controllers", GDPR Art. 4(7)),
-- their public profile, their members and pending invitations.

create table public.data_controllers (
  id uuid primary key default gen_random_uuid(),
  title text not null,
  -- Public identifier used in integration URLs and the Transparency Center.
  did text not null,
  -- SHA-256 hex of the random DX key; the key itself is shown once and never stored.
  dx_key_hash text not null,
  -- AES-256-GCM ciphertext of the controller's webhook secret (key from the environment).
  webhook_secret_encrypted text not null,
  plan text not null default 'trial',
  trial_expires_at timestamptz,
  -- Feature switches, e.g. {"didGeneration": true, "consentCollection": true}.
  settings jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint data_controllers_did_key unique (did),
  constraint data_controllers_dx_key_hash_check check (dx_key_hash ~ '^[0-9a-f]{64}$'),
  constraint data_controllers_plan_check check (plan in ('trial', 'starter', 'business', 'enterprise')),
  constraint data_controllers_trial_check check (plan <> 'trial' or trial_expires_at is not null),
  constraint data_controllers_settings_check check (jsonb_typeof(settings) = 'object')
);
comment on table public.data_controllers is
  'Organizations (data controllers). Secrets are stored only hashed (dx_key_hash) or encrypted (*_encrypted).';
-- delete_expired_controllers scans trials by expiry.
create index data_controllers_trial_expires_at_idx on public.data_controllers (trial_expires_at)
  where plan = 'trial';
create trigger data_controllers_set_updated_at before update on public.data_controllers
  for each row execute function public.set_updated_at();

create table public.data_controller_details (
  id uuid primary key default gen_random_uuid(),
  controller_id uuid not null references public.data_controllers (id) on delete cascade,
  legal_name text,
  description text,
  website_url text,
  logo_url text,
  industry text,
  contact_email text,
  -- Data protection officer (GDPR Art. 37-39); published in notices (Art. 13(1)(b)).
  dpo_name text,
  dpo_email text,
  address_line1 text,
  address_line2 text,
  city text,
  postal_code text,
  region text,
  country_code text,
  -- Deadlines are computed on the controller's local calendar (privacy-domain.md 3.1).
  timezone text not null default 'UTC',
  default_regime text not null default 'gdpr_eu',
  supervisory_authority text,
  -- Only a published profile is visible to the anonymous role (Transparency Center).
  public_profile_enabled boolean not null default false,
  profile_version integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint data_controller_details_controller_id_key unique (controller_id),
  constraint data_controller_details_country_code_check check (country_code ~ '^[A-Z]{2}$'),
  constraint data_controller_details_default_regime_check check (default_regime in ('gdpr_eu', 'uk_gdpr', 'ccpa')),
  constraint data_controller_details_profile_version_check check (profile_version >= 0)
);
comment on table public.data_controller_details is
  'One profile per controller: legal identity, DPO contact and public Transparency Center settings.';
create trigger data_controller_details_set_updated_at before update on public.data_controller_details
  for each row execute function public.set_updated_at();

create table public.data_controller_users (
  id uuid primary key default gen_random_uuid(),
  controller_id uuid not null references public.data_controllers (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role text not null default 'member',
  status text not null default 'active',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint data_controller_users_controller_id_user_id_key unique (controller_id, user_id),
  constraint data_controller_users_role_check check (role in ('owner', 'admin', 'member', 'viewer')),
  constraint data_controller_users_status_check check (status in ('active', 'suspended'))
);
comment on table public.data_controller_users is
  'Membership of platform users in organizations; every user-role permission filters through it.';
-- The permission filter of every table looks memberships up by user.
create index data_controller_users_user_id_idx on public.data_controller_users (user_id, controller_id);
create trigger data_controller_users_set_updated_at before update on public.data_controller_users
  for each row execute function public.set_updated_at();

create table public.team_invitations (
  id uuid primary key default gen_random_uuid(),
  controller_id uuid not null references public.data_controllers (id) on delete cascade,
  email text not null,
  role text not null default 'member',
  status text not null default 'pending',
  -- SHA-256 hex of the single-use invitation token mailed to the invitee.
  token_hash text,
  invited_by_user_id uuid references auth.users (id) on delete set null,
  accepted_by_user_id uuid references auth.users (id) on delete set null,
  expires_at timestamptz not null default (now() + interval '7 days'),
  accepted_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint team_invitations_token_hash_key unique (token_hash),
  constraint team_invitations_role_check check (role in ('admin', 'member', 'viewer')),
  constraint team_invitations_status_check check (status in ('pending', 'accepted', 'revoked', 'expired')),
  constraint team_invitations_accepted_check check ((status = 'accepted') = (accepted_at is not null)),
  constraint team_invitations_email_check check (position('@' in email) > 1 and length(email) <= 254)
);
comment on table public.team_invitations is
  'Invitations to join an organization; the token is mailed and only its hash stored.';
-- At most one open invitation per address and organization.
create unique index team_invitations_pending_email_key on public.team_invitations (controller_id, lower(email))
  where status = 'pending';
create index team_invitations_controller_id_idx on public.team_invitations (controller_id, created_at desc);
create index team_invitations_invited_by_user_id_idx on public.team_invitations (invited_by_user_id);
create index team_invitations_accepted_by_user_id_idx on public.team_invitations (accepted_by_user_id);
create trigger team_invitations_set_updated_at before update on public.team_invitations
  for each row execute function public.set_updated_at();
