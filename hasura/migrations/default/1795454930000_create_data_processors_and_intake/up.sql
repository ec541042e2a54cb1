-- Connected integrations (processors / recipients, GDPR Art. 4(8)-(9)) and the
-- intake queue conduit writes verified webhook events to.

create table public.data_processors (
  id uuid primary key default gen_random_uuid(),
  controller_id uuid not null references public.data_controllers (id) on delete cascade,
  service text not null,
  name text not null,
  status text not null default 'pending',
  -- Where the platform credentials live (secret-store path or key id), never the credentials.
  credentials_ref text,
  -- AES-256-GCM ciphertext of the platform's webhook signing secret.
  signing_secret_encrypted text,
  -- SHA-256 hex of a custom integration's API key (shown once at onboarding).
  api_key_hash text,
  -- Legal basis, purpose and platform checks (e.g. Salesforce organizationId, Google channel token id).
  config jsonb not null default '{}'::jsonb,
  -- Custom integrations: accepted events and field -> PII taxonomy mappings.
  event_definitions jsonb not null default '[]'::jsonb,
  field_mappings jsonb not null default '[]'::jsonb,
  -- Recipient country (ISO 3166-1 alpha-2), for GDPR Art. 15(1)(c) and transfer notices.
  country_code text,
  last_event_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint data_processors_service_check check (service in (
    'shopify', 'stripe', 'woocommerce', 'mailchimp', 'mailchimp-marketing', 'customer-io', 'klaviyo',
    'quickbooks', 'eventbrite', 'survey-monkey', 'hubspot', 'salesforce', 'xero', 'google-drive',
    'netsuite', 'sabre-synxis', 'custom')),
  constraint data_processors_status_check check (status in ('pending', 'active', 'paused', 'error', 'disconnected')),
  constraint data_processors_api_key_hash_key unique (api_key_hash),
  constraint data_processors_api_key_hash_check check (api_key_hash ~ '^[0-9a-f]{64}$'),
  constraint data_processors_country_code_check check (country_code ~ '^[A-Z]{2}$'),
  constraint data_processors_config_check check (jsonb_typeof(config) = 'object'),
  constraint data_processors_event_definitions_check check (jsonb_typeof(event_definitions) = 'array'),
  constraint data_processors_field_mappings_check check (jsonb_typeof(field_mappings) = 'array')
);
comment on table public.data_processors is
  'An organization''s connected integrations; secrets stored only encrypted or hashed.';
create index data_processors_controller_id_idx on public.data_processors (controller_id, service);
create trigger data_processors_set_updated_at before update on public.data_processors
  for each row execute function public.set_updated_at();

create table public.webhook_intake (
  id uuid primary key default gen_random_uuid(),
  controller_id uuid not null references public.data_controllers (id) on delete cascade,
  data_processor_id uuid references public.data_processors (id) on delete set null,
  service text not null,
  event_type text not null,
  -- The platform's own event id (Shopify webhook id, Stripe event id...), when it has one.
  platform_event_id text,
  -- Hex keyed hash of controller + processor + event type + sorted PII hashes: the
  -- de-duplication window key. Identifies content, so it is hidden like a hash.
  content_key text not null,
  -- [{type, hash, path}]: keyed hashes of the extracted identifiers; raw values never stored.
  pii jsonb not null default '[]'::jsonb,
  field_types text[] not null default '{}',
  triggered_at timestamptz not null,
  received_at timestamptz not null default now(),
  status text not null default 'pending',
  processed_at timestamptz,
  last_error text,
  -- NULL platform_event_id never collides, so events without one are not blocked.
  constraint webhook_intake_platform_event_key unique (controller_id, service, platform_event_id),
  constraint webhook_intake_status_check check (status in ('pending', 'processed', 'failed')),
  constraint webhook_intake_pii_check check (jsonb_typeof(pii) = 'array'),
  constraint webhook_intake_processed_check check (status <> 'processed' or processed_at is not null)
);
comment on table public.webhook_intake is
  'Durable queue of verified inbound integration events (hashed identifiers only, no raw payload).';
-- conduit's de-duplication window: same content key within N minutes.
create index webhook_intake_content_key_idx on public.webhook_intake (controller_id, content_key, received_at desc);
create index webhook_intake_data_processor_id_idx on public.webhook_intake (data_processor_id);
-- Monitoring and retention sweep over unprocessed rows.
create index webhook_intake_pending_idx on public.webhook_intake (received_at) where status <> 'processed';
