-- Deadline inputs of privacy-domain.md 3.3 and consent evidence of 8.2 that the
-- first migrations left out.

-- The calendar date of receipt in the controller's time zone: GDPR deadlines
-- count from it (Reg. 1182/71 Art. 3). UK GDPR Art. 12A lets the clock pause
-- while the controller waits for clarification: [{"from": ..., "to": ...}].
alter table public.data_subject_rights_requests
  add column received_on date,
  add column clock_paused_intervals jsonb not null default '[]'::jsonb,
  add constraint data_subject_rights_requests_clock_paused_intervals_check
    check (jsonb_typeof(clock_paused_intervals) = 'array');

-- "What information was presented" (EDPB Guidelines 05/2020 5.1): SHA-256 hex of
-- the exact notice text shown, and each purpose's version at the time.
alter table public.data_subject_consent_form_values
  add column notice_digest text,
  add column purpose_versions jsonb not null default '{}'::jsonb,
  add constraint data_subject_consent_form_values_notice_digest_check check (notice_digest ~ '^[0-9a-f]{64}$'),
  add constraint data_subject_consent_form_values_purpose_versions_check check (jsonb_typeof(purpose_versions) = 'object');
