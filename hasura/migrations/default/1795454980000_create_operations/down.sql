drop table public.email_outbox;
drop table public.usage_records;
drop table public.tag_manager_accounts;
drop table public.generated_documents;
drop table public.cors_allowed_origins;
drop table public.domain_verifications;
drop table public.scheduled_events;
