-- Consent collection: forms and their categories (what the widget shows), the
-- append-only proof of each choice (EDPB Guidelines 05/2020 section 5.1,
-- privacy-domain.md 8.2) and each subject's current preference per purpose.

create table public.consent_forms (
  id uuid primary key default gen_random_uuid(),
  controller_id uuid not null references public.data_controllers (id) on delete cascade,
  slug text not null,
  name text not null,
  description text,
  -- The notice shown with the form; its version is recorded with every choice.
  notice_text text,
  locale text not null default 'en',
  version integer not null default 1,
  status text not null default 'draft',
  -- opt_in (GDPR/ePrivacy: default deny) or opt_out (US regimes), privacy-domain.md 8.4.
  regime text not null default 'opt_in',
  honor_gpc boolean not null default true,
  published_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint consent_forms_controller_id_slug_key unique (controller_id, slug),
  constraint consent_forms_slug_check check (slug ~ '^[a-z0-9][a-z0-9_-]*$'),
  constraint consent_forms_version_check check (version > 0),
  constraint consent_forms_status_check check (status in ('draft', 'published', 'archived')),
  constraint consent_forms_regime_check check (regime in ('opt_in', 'opt_out')),
  constraint consent_forms_published_check check (status <> 'published' or published_at is not null)
);
comment on table public.consent_forms is 'Consent forms (banner, preference center, sign-up checkbox) a controller publishes.';
create trigger consent_forms_set_updated_at before update on public.consent_forms
  for each row execute function public.set_updated_at();

create table public.consent_categories (
  id uuid primary key default gen_random_uuid(),
  form_id uuid not null references public.consent_forms (id) on delete cascade,
  purpose_id uuid references public.purposes (id) on delete set null,
  slug text not null,
  title text not null,
  description text,
  -- Strictly necessary categories need no consent (ePrivacy Art. 5(3)).
  is_required boolean not null default false,
  default_granted boolean not null default false,
  position integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint consent_categories_form_id_slug_key unique (form_id, slug),
  constraint consent_categories_slug_check check (slug ~ '^[a-z0-9][a-z0-9_-]*$'),
  -- No pre-ticked boxes (Recital 32; CJEU C-673/17 Planet49): only required categories start granted.
  constraint consent_categories_default_granted_check check (not default_granted or is_required)
);
comment on table public.consent_categories is 'Choices offered on a consent form, each tied to a purpose.';
create index consent_categories_purpose_id_idx on public.consent_categories (purpose_id);
create trigger consent_categories_set_updated_at before update on public.consent_categories
  for each row execute function public.set_updated_at();

create table public.data_subject_consent_form_values (
  id uuid primary key default gen_random_uuid(),
  controller_id uuid not null references public.data_controllers (id) on delete cascade,
  -- A consent record outlives a form's edits: a form that has records cannot be
  -- deleted (archive it). "no action" rather than "restrict" so that deleting the
  -- whole controller, which cascades to both tables, still succeeds.
  form_id uuid not null references public.consent_forms (id) on delete no action,
  data_subject_id uuid references public.data_subjects (id) on delete cascade,
  -- Random first-party visitor id set by the widget, when no subject is known.
  visitor_id text,
  -- Keyed hash of a known identifier (privacy-domain.md 12).
  subject_identifier_hash text,
  form_version integer not null,
  notice_version text,
  locale text not null default 'en',
  -- {"<category slug>": "granted" | "denied"} for every category shown.
  choices jsonb not null,
  mechanism text not null,
  collected_at timestamptz not null default now(),
  client_collected_at timestamptz,
  source_url text,
  jurisdiction text,
  regime text not null default 'opt_in',
  gpc_signal boolean not null default false,
  dnt_signal boolean not null default false,
  signal_conflict boolean not null default false,
  -- Keyed hash (or truncated form) of the client IP: evidence with data minimisation.
  ip_hash text,
  user_agent text,
  actor text not null default 'subject',
  expires_at timestamptz,
  -- Tamper evidence: hash chain per subject (or visitor).
  prev_record_hash text,
  record_hash text,
  constraint data_subject_consent_form_values_subject_check check (
    data_subject_id is not null or visitor_id is not null or subject_identifier_hash is not null),
  constraint data_subject_consent_form_values_choices_check check (jsonb_typeof(choices) = 'object'),
  constraint data_subject_consent_form_values_mechanism_check check (mechanism in (
    'accept_all', 'reject_all', 'save_choices', 'preference_center', 'form_checkbox', 'api', 'import', 'gpc')),
  constraint data_subject_consent_form_values_regime_check check (regime in ('opt_in', 'opt_out')),
  constraint data_subject_consent_form_values_actor_check check (actor in ('subject', 'authorized_agent', 'admin_import')),
  constraint data_subject_consent_form_values_form_version_check check (form_version > 0)
);
comment on table public.data_subject_consent_form_values is
  'Append-only proof of consent: how, when and under which notice each choice was made (GDPR Art. 7(1)).';
create index data_subject_consent_form_values_subject_idx on public.data_subject_consent_form_values (data_subject_id, collected_at desc);
create index data_subject_consent_form_values_controller_idx on public.data_subject_consent_form_values (controller_id, collected_at desc);
create index data_subject_consent_form_values_visitor_idx on public.data_subject_consent_form_values (controller_id, visitor_id, collected_at desc)
  where visitor_id is not null;
create index data_subject_consent_form_values_form_idx on public.data_subject_consent_form_values (form_id, collected_at desc);
create trigger data_subject_consent_form_values_append_only before update on public.data_subject_consent_form_values
  for each row execute function public.forbid_update();

create table public.data_subject_preference_values (
  id uuid primary key default gen_random_uuid(),
  controller_id uuid not null references public.data_controllers (id) on delete cascade,
  data_subject_id uuid not null references public.data_subjects (id) on delete cascade,
  purpose_id uuid not null references public.purposes (id) on delete cascade,
  granted boolean not null,
  -- The consent record that set this value.
  source_form_value_id uuid references public.data_subject_consent_form_values (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint data_subject_preference_values_subject_purpose_key unique (data_subject_id, purpose_id)
);
comment on table public.data_subject_preference_values is
  'Current consent state per subject and purpose; changes fan out to integrations (withdrawal, Art. 7(3)).';
create index data_subject_preference_values_controller_idx on public.data_subject_preference_values (controller_id, purpose_id);
create index data_subject_preference_values_purpose_idx on public.data_subject_preference_values (purpose_id);
create index data_subject_preference_values_source_idx on public.data_subject_preference_values (source_form_value_id);
create trigger data_subject_preference_values_set_updated_at before update on public.data_subject_preference_values
  for each row execute function public.set_updated_at();
