alter table public.data_subject_consent_form_values
  drop constraint data_subject_consent_form_values_purpose_versions_check,
  drop constraint data_subject_consent_form_values_notice_digest_check,
  drop column purpose_versions,
  drop column notice_digest;

alter table public.data_subject_rights_requests
  drop constraint data_subject_rights_requests_clock_paused_intervals_check,
  drop column clock_paused_intervals,
  drop column received_on;
