drop table public.data_subject_preference_values;
drop table public.data_subject_consent_form_values;
drop table public.consent_categories;
drop table public.consent_forms;
