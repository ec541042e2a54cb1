-- Demo organization for local development: "Acme Outdoor Supplies", two team
-- members, four integrations, purposes, a published consent banner, three data
-- subjects with their links, activities and consent, an access request with its
-- timeline, and scheduled reminders. Fixed ids so docs and tests can point at
-- them; every insert is "on conflict do nothing" so the file can run again.
-- Credentials (DX key, webhook secret, API key, encryption and hashing keys) are
-- in hasura/README.md and hasura/scripts/demo-credentials.ts, which derives the
-- hashes and ciphertexts below. Raw identifiers of subjects are never stored:
-- only their keyed hashes (privacy-domain.md 12.2).

insert into auth.users (id, email, display_name, locale, default_role, is_anonymous, email_verified) values
  ('a0000000-0000-4000-8000-000000000001', 'olivia.owner@acme.example', 'Olivia Owner', 'en', 'user', false, true),
  ('a0000000-0000-4000-8000-000000000002', 'max.member@acme.example', 'Max Member', 'de', 'user', false, true)
on conflict do nothing;

insert into public.data_controllers (id, title, did, dx_key_hash, webhook_secret_encrypted, plan, trial_expires_at, settings) values
  ('c0000000-0000-4000-8000-000000000001', 'Acme Outdoor Supplies', 'did:web:acme.example',
   'bafe2b4823d2b109ddd787f2915ea36358ad84bb32ed472202627b739eb8d104',
   'gcm1.demo.W-Mf69Hhrojv_H0M.7C4TLO2Mk9sIvghm004KnAevDZ_Ie_HcHtw6jjm6hek._78hOUUAdg4sy6R2G7JgTQ',
   'business', null, '{"didGeneration": true, "consentCollection": true}')
on conflict do nothing;

insert into public.data_controller_details (id, controller_id, legal_name, description, website_url, industry, contact_email,
    dpo_name, dpo_email, address_line1, city, postal_code, country_code, timezone, default_regime, supervisory_authority,
    public_profile_enabled, profile_version) values
  ('c0000000-0000-4000-8000-0000000000d1', 'c0000000-0000-4000-8000-000000000001', 'Acme Outdoor Supplies GmbH',
   'Outdoor gear sold online and in two stores.', 'https://acme.example', 'retail', 'privacy@acme.example',
   'Dana Protector', 'dpo@acme.example', 'Bergstrasse 1', 'Berlin', '10115', 'DE', 'Europe/Berlin', 'gdpr_eu',
   'Berliner Beauftragte fuer Datenschutz und Informationsfreiheit', true, 1)
on conflict do nothing;

insert into public.data_controller_users (id, controller_id, user_id, role, status) values
  ('a1000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001', 'owner', 'active'),
  ('a1000000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000002', 'member', 'active')
on conflict do nothing;

insert into public.team_invitations (id, controller_id, email, role, status, invited_by_user_id, expires_at) values
  ('a2000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000001', 'new.colleague@acme.example', 'viewer',
   'pending', 'a0000000-0000-4000-8000-000000000001', now() + interval '7 days')
on conflict do nothing;

insert into public.purposes (id, controller_id, slug, name, description, legal_basis, legitimate_interest, retention_days,
    retention_criteria, is_essential, is_automated_decision, is_sale_or_sharing) values
  ('b0000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000001', 'order_fulfilment', 'Order fulfilment',
   'Processing and delivering orders, returns and customer service.', 'contract', null, 1095, null, true, false, false),
  ('b0000000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000001', 'payments', 'Payments and bookkeeping',
   'Taking payments and keeping the accounting records the law requires.', 'legal_obligation', null, null,
   'Invoices and payment records are kept for 10 years (commercial and tax law).', true, false, false),
  ('b0000000-0000-4000-8000-000000000003', 'c0000000-0000-4000-8000-000000000001', 'marketing_email', 'E-mail newsletter',
   'Sending the newsletter to subscribers who asked for it.', 'consent', null, 730, null, false, false, false),
  ('b0000000-0000-4000-8000-000000000004', 'c0000000-0000-4000-8000-000000000001', 'analytics', 'Website analytics',
   'Measuring how the shop is used to improve it.', 'consent', null, 395, null, false, false, false),
  ('b0000000-0000-4000-8000-000000000005', 'c0000000-0000-4000-8000-000000000001', 'essential_cookies', 'Strictly necessary cookies',
   'Keeping the cart and login working and the shop secure.', 'legitimate_interests',
   'Running the service the visitor asked for (strictly necessary, ePrivacy Art. 5(3)).', 30, null, true, false, false),
  ('b0000000-0000-4000-8000-000000000006', 'c0000000-0000-4000-8000-000000000001', 'account_management', 'Customer accounts',
   'Creating and running customer accounts in the mobile app.', 'contract', null, 1095, null, true, false, false)
on conflict do nothing;

insert into public.retention_policies (id, controller_id, purpose_id, data_category, retention_days, action, legal_hold) values
  ('b1000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000003', null, 730, 'delete', false),
  ('b1000000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000001', null, 'ip_address', 90, 'anonymize', false)
on conflict do nothing;

insert into public.data_processors (id, controller_id, service, name, status, credentials_ref, signing_secret_encrypted, api_key_hash,
    config, event_definitions, field_mappings, country_code, last_event_at) values
  ('d0000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000001', 'shopify', 'Acme online store', 'active',
   'vault:kv/acme/shopify', 'gcm1.demo.7yd0-Q76LpUmvh5G.ciMf7wI0Vydx_XhR7yTf_HEiKWd0InOQfv-yGZLDdAgn8w.HOwtphdFwxa9t7Rhfx5yug', null,
   '{"shopDomain": "acme-store.myshopify.com", "legalBasis": "contract", "purpose": "order_fulfilment"}', '[]', '[]', 'CA', now() - interval '2 days'),
  ('d0000000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000001', 'stripe', 'Stripe payments', 'active',
   'vault:kv/acme/stripe', 'gcm1.demo.cvxClSqmioIKC9k9.YpJKtbHg2GhkxOv-vDHn4XWBd3h3nl7FL9RKrRPwf8V8dA.POspzu0OGEQo-tUEnbvQfw', null,
   '{"legalBasis": "contract", "purpose": "payments"}', '[]', '[]', 'US', now() - interval '2 days'),
  ('d0000000-0000-4000-8000-000000000003', 'c0000000-0000-4000-8000-000000000001', 'mailchimp', 'Newsletter', 'active',
   'vault:kv/acme/mailchimp', null, null,
   '{"listId": "a1b2c3d4e5", "legalBasis": "consent", "purpose": "marketing_email"}', '[]', '[]', 'US', now() - interval '1 day'),
  ('d0000000-0000-4000-8000-000000000004', 'c0000000-0000-4000-8000-000000000001', 'custom', 'Acme mobile app', 'active',
   null, null, '1004c3d8818080e083ae58171a8ee76748d21d05b0402c24151222f428a4d456',
   '{"legalBasis": "contract", "purpose": "account_management"}',
   '[{"name": "user.signup", "description": "A customer created an account in the app",
      "fields": [{"path": "email", "type": "string", "required": true},
                 {"path": "phone", "type": "string", "required": false},
                 {"path": "plan", "type": "string", "required": false}]}]',
   '[{"event": "*", "path": "email", "piiType": "email"}, {"event": "*", "path": "phone", "piiType": "phone"}]', 'DE', now() - interval '3 hours')
on conflict do nothing;

insert into public.data_subjects (id, controller_id, did, status, first_seen_at, last_seen_at) values
  ('e0000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000001', 'did:key:z6MkDemoSubjectJane0001', 'active', now() - interval '30 days', now() - interval '2 days'),
  ('e0000000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000001', 'did:key:z6MkDemoSubjectJohn0002', 'active', now() - interval '10 days', now() - interval '1 day'),
  ('e0000000-0000-4000-8000-000000000003', 'c0000000-0000-4000-8000-000000000001', null, 'active', now() - interval '3 hours', now() - interval '3 hours')
on conflict do nothing;

insert into public.privacy_preserving_links (id, controller_id, data_subject_id, identifier_type, identifier_hash, key_version, source_processor_id, first_seen_at, last_seen_at) values
  ('e1000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000001', 'email',
   '65f40d9aad7c836c477664933b93cdadf335a801ca4b65e291a7ef11d517859b', 1, 'd0000000-0000-4000-8000-000000000001', now() - interval '30 days', now() - interval '2 days'),
  ('e1000000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000001', 'customer_id',
   '511ad37c825b9d1ee5c75f46a503e207750cd300ea09d99405417caedfb085e1', 1, 'd0000000-0000-4000-8000-000000000001', now() - interval '30 days', now() - interval '2 days'),
  ('e1000000-0000-4000-8000-000000000003', 'c0000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000002', 'email',
   '5e21e99554b6ef5a8b86ebc4e16ad0a681b957fb76413dfaee3a86d2722d27a5', 1, 'd0000000-0000-4000-8000-000000000003', now() - interval '10 days', now() - interval '1 day'),
  ('e1000000-0000-4000-8000-000000000004', 'c0000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000003', 'phone',
   '2d23bba2e20e389875cc548734c0f6a167265a633d671af39b67d6b5d24120b2', 1, 'd0000000-0000-4000-8000-000000000004', now() - interval '3 hours', now() - interval '3 hours')
on conflict do nothing;

-- Two intake events already processed into activities (content keys are demo values).
insert into public.webhook_intake (id, controller_id, data_processor_id, service, event_type, platform_event_id, content_key, pii, field_types,
    triggered_at, received_at, status, processed_at) values
  ('e3000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000001', 'shopify',
   'orders/create', 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043', '0000000000000000000000000000000000000000000000000000000000000001',
   '[{"type": "email", "hash": "65f40d9aad7c836c477664933b93cdadf335a801ca4b65e291a7ef11d517859b", "path": "$.email"},
     {"type": "customer_id", "hash": "511ad37c825b9d1ee5c75f46a503e207750cd300ea09d99405417caedfb085e1", "path": "$.customer.id"}]',
   '{email,customer_id,name,postal_address}', now() - interval '2 days', now() - interval '2 days', 'processed', now() - interval '2 days'),
  ('e3000000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000003', 'mailchimp',
   'subscribe', null, '0000000000000000000000000000000000000000000000000000000000000002',
   '[{"type": "email", "hash": "5e21e99554b6ef5a8b86ebc4e16ad0a681b957fb76413dfaee3a86d2722d27a5", "path": "data[email]"}]',
   '{email,name}', now() - interval '1 day', now() - interval '1 day', 'processed', now() - interval '1 day')
on conflict do nothing;

insert into public.data_processing_activities (id, controller_id, data_subject_id, data_processor_id, intake_id, purpose_id, event_type,
    pii_field_types, legal_basis, purpose, compliance_status, triggered_at, dedup_key) values
  ('e2000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000001',
   'd0000000-0000-4000-8000-000000000001', 'e3000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000001',
   'orders/create', '{email,customer_id,name,postal_address}', 'contract', 'order_fulfilment', 'compliant', now() - interval '2 days',
   'intake:e3000000-0000-4000-8000-000000000001'),
  ('e2000000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000001',
   'd0000000-0000-4000-8000-000000000002', null, 'b0000000-0000-4000-8000-000000000002',
   'charge.succeeded', '{email,name}', 'legal_obligation', 'payments', 'compliant', now() - interval '2 days',
   'stripe:evt_demo_0001'),
  ('e2000000-0000-4000-8000-000000000003', 'c0000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000002',
   'd0000000-0000-4000-8000-000000000003', 'e3000000-0000-4000-8000-000000000002', 'b0000000-0000-4000-8000-000000000003',
   'subscribe', '{email,name}', 'consent', 'marketing_email', 'compliant', now() - interval '1 day',
   'intake:e3000000-0000-4000-8000-000000000002'),
  ('e2000000-0000-4000-8000-000000000004', 'c0000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000003',
   'd0000000-0000-4000-8000-000000000004', null, 'b0000000-0000-4000-8000-000000000006',
   'user.signup', '{phone}', 'contract', 'account_management', 'pending', now() - interval '3 hours',
   'custom:app-signup-0003')
on conflict do nothing;

insert into public.consent_forms (id, controller_id, slug, name, description, notice_text, locale, version, status, regime, honor_gpc, published_at) values
  ('f0000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000001', 'cookie-banner', 'Cookie banner',
   'Shown on acme.example before any non-essential tag runs.',
   'We use cookies to run the shop and, with your consent, to measure visits and send you our newsletter. You can change your mind at any time in the privacy settings.',
   'en', 1, 'published', 'opt_in', true, now() - interval '60 days')
on conflict do nothing;

insert into public.consent_categories (id, form_id, purpose_id, slug, title, description, is_required, default_granted, position) values
  ('f1000000-0000-4000-8000-000000000001', 'f0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000005',
   'necessary', 'Strictly necessary', 'Cart, login and security. Always on.', true, true, 0),
  ('f1000000-0000-4000-8000-000000000002', 'f0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000004',
   'analytics', 'Analytics', 'Anonymous statistics about how the shop is used.', false, false, 1),
  ('f1000000-0000-4000-8000-000000000003', 'f0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000003',
   'marketing', 'Newsletter', 'Our e-mail newsletter about new products.', false, false, 2)
on conflict do nothing;

insert into public.data_subject_consent_form_values (id, controller_id, form_id, data_subject_id, visitor_id, form_version, notice_version,
    locale, choices, mechanism, collected_at, source_url, jurisdiction, regime, gpc_signal, dnt_signal, actor) values
  ('e4000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000001', 'f0000000-0000-4000-8000-000000000001',
   'e0000000-0000-4000-8000-000000000001', 'v-demo-0001', 1, '1', 'en',
   '{"necessary": "granted", "analytics": "denied", "marketing": "granted"}', 'save_choices', now() - interval '20 days',
   'https://acme.example/', 'DE', 'opt_in', false, false, 'subject')
on conflict do nothing;

insert into public.data_subject_preference_values (id, controller_id, data_subject_id, purpose_id, granted, source_form_value_id) values
  ('e5000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000001',
   'b0000000-0000-4000-8000-000000000004', false, 'e4000000-0000-4000-8000-000000000001'),
  ('e5000000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000001',
   'b0000000-0000-4000-8000-000000000003', true, 'e4000000-0000-4000-8000-000000000001')
on conflict do nothing;

-- An access request from Jane, verified and being compiled.
insert into public.data_subject_rights_requests (id, controller_id, data_subject_id, request_type, status, regime, jurisdiction, source,
    requester_type, requester_email_encrypted, requester_email_hash, verification_method, verification_requested_at,
    verification_expires_at, verified_at, verification_evidence, received_at, due_at, target_due_at) values
  ('aa000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000001',
   'access', 'in_progress', 'gdpr_eu', 'DE', 'transparency_center', 'subject',
   'gcm1.demo.eCdbpxSzU9hK11zb.nyCsivRl-dgeoSk3Z5qR0EJlI5M.ayJYJ30qM8w3yqc83p5PTg',
   '65f40d9aad7c836c477664933b93cdadf335a801ca4b65e291a7ef11d517859b', 'email_link',
   now() - interval '5 days', now() - interval '4 days', now() - interval '5 days' + interval '20 minutes',
   '{"method": "email_link", "matchedIdentifierTypes": ["email"]}',
   now() - interval '5 days', now() - interval '5 days' + interval '1 month', now() - interval '5 days' + interval '28 days')
on conflict do nothing;

insert into public.data_subject_rights_request_events (id, request_id, step, status, message, details, occurred_at, due_at, actor_user_id) values
  ('ab000000-0000-4000-8000-000000000001', 'aa000000-0000-4000-8000-000000000001', 'received', 'completed',
   'Request received through the Transparency Center.', '{}', now() - interval '5 days', now() - interval '5 days' + interval '1 month', null),
  ('ab000000-0000-4000-8000-000000000002', 'aa000000-0000-4000-8000-000000000001', 'verification_sent', 'sent',
   'Verification link sent to the address on file.', '{"method": "email_link"}', now() - interval '5 days' + interval '1 minute', null, null),
  ('ab000000-0000-4000-8000-000000000003', 'aa000000-0000-4000-8000-000000000001', 'verified', 'completed',
   'Requester confirmed control of the e-mail address.', '{"matchedIdentifierTypes": ["email"]}', now() - interval '5 days' + interval '20 minutes', null, null),
  ('ab000000-0000-4000-8000-000000000004', 'aa000000-0000-4000-8000-000000000001', 'in_progress', 'pending',
   'Compiling processing activities and consent records.', '{}', now() - interval '5 days' + interval '21 minutes', now() - interval '5 days' + interval '28 days',
   'a0000000-0000-4000-8000-000000000002')
on conflict do nothing;

insert into public.scheduled_events (id, controller_id, owner_id, owner_type, title, message, is_active, frequency_type, frequency_rate,
    next_event_at, reference, payload) values
  ('5c000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000001', 'aa000000-0000-4000-8000-000000000001',
   'data_subject_rights_request', 'Access request due in 7 days', 'The access request from the Transparency Center is due in a week.',
   true, 'once', 1, now() - interval '5 days' + interval '21 days', 'dsar_deadline_reminder', '{"daysBefore": 7}'),
  ('5c000000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000001',
   'data_controller', 'Review the record of processing activities', 'Quarterly review of purposes, recipients and retention (GDPR Art. 30).',
   true, 'monthly', 3, date_trunc('month', now()) + interval '1 month', 'ropa_review', '{}')
on conflict do nothing;

insert into public.domain_verifications (id, controller_id, domain, method, challenge, status, verified_at, last_checked_at, check_attempts) values
  ('dd000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000001', 'acme.example', 'dns_txt',
   'c7d1f0e2a9b84c3d8e5f6a7b8c9d0e1f', 'verified', now() - interval '50 days', now() - interval '10 minutes', 1)
on conflict do nothing;

insert into public.cors_allowed_origins (id, controller_id, domain_verification_id, origin) values
  ('dd100000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000001', 'dd000000-0000-4000-8000-000000000001', 'https://acme.example'),
  ('dd100000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000001', 'dd000000-0000-4000-8000-000000000001', 'https://www.acme.example')
on conflict do nothing;

insert into public.generated_documents (id, controller_id, document_type, locale, version, title, content, content_format, status, source,
    generated_at, published_at) values
  ('9d000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000001', 'privacy_policy', 'en', 1, 'Privacy notice',
   '# Privacy notice' || chr(10) || chr(10) || 'Acme Outdoor Supplies GmbH, Bergstrasse 1, 10115 Berlin, is the controller. '
   || 'Data protection officer: dpo@acme.example.' || chr(10) || chr(10)
   || '| Purpose | Lawful basis | Retention |' || chr(10) || '|---|---|---|' || chr(10)
   || '| Order fulfilment | Contract (Art. 6(1)(b)) | 3 years |' || chr(10)
   || '| Payments and bookkeeping | Legal obligation (Art. 6(1)(c)) | 10 years |' || chr(10)
   || '| E-mail newsletter | Consent (Art. 6(1)(a)) | 2 years |' || chr(10),
   'markdown', 'published', '{"profileVersion": 1, "purposeVersions": {"order_fulfilment": 1, "payments": 1, "marketing_email": 1}}',
   now() - interval '40 days', now() - interval '40 days')
on conflict do nothing;

insert into public.tag_manager_accounts (id, controller_id, provider, name, account_id, container_id, status, consent_mode_enabled, tag_purposes) values
  ('da000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000001', 'google_tag_manager', 'acme.example container',
   '6012345678', 'GTM-ACME123', 'active', true, '{"ga4-pageview": ["analytics"], "newsletter-popup": ["marketing_email"]}')
on conflict do nothing;

insert into public.usage_records (id, controller_id, metric, period_start, period_end, quantity, quota) values
  ('da100000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000001', 'intake_events',
   date_trunc('month', now())::date, (date_trunc('month', now()) + interval '1 month - 1 day')::date, 2, 100000)
on conflict do nothing;

-- A completed erasure: the person is gone (no subject row, no links), the request
-- record stays as the accountability record with the contact point removed, each
-- integration's step is recorded (Stripe exempted: invoices must be kept, GDPR
-- Art. 17(3)(b)), and the erased address survives only as a keyed-hash suppression.
insert into public.data_subject_rights_requests (id, controller_id, data_subject_id, request_type, status, regime, jurisdiction, source,
    requester_type, verification_method, verification_requested_at, verified_at, verification_evidence,
    received_at, received_on, acknowledged_at, due_at, target_due_at, completed_at, outcome) values
  ('aa000000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000001', null, 'deletion', 'completed', 'gdpr_eu', 'DE',
   'transparency_center', 'subject', 'email_link', now() - interval '40 days', now() - interval '40 days' + interval '1 hour',
   '{"method": "email_link", "matchedIdentifierTypes": ["email"]}',
   now() - interval '40 days', (now() - interval '40 days')::date, now() - interval '40 days',
   now() - interval '40 days' + interval '1 month', now() - interval '40 days' + interval '28 days',
   now() - interval '28 days', 'partially_completed')
on conflict do nothing;

insert into public.data_subject_rights_request_events (id, request_id, step, status, message, details, data_processor_id, occurred_at) values
  ('ab000000-0000-4000-8000-000000000011', 'aa000000-0000-4000-8000-000000000002', 'received', 'completed',
   'Erasure request received through the Transparency Center.', '{}', null, now() - interval '40 days'),
  ('ab000000-0000-4000-8000-000000000012', 'aa000000-0000-4000-8000-000000000002', 'verified', 'completed',
   'Requester confirmed control of the e-mail address.', '{"matchedIdentifierTypes": ["email"]}', null, now() - interval '40 days' + interval '1 hour'),
  ('ab000000-0000-4000-8000-000000000013', 'aa000000-0000-4000-8000-000000000002', 'integration_result', 'completed',
   'Shopify customer redacted.', '{}', 'd0000000-0000-4000-8000-000000000001', now() - interval '35 days'),
  ('ab000000-0000-4000-8000-000000000014', 'aa000000-0000-4000-8000-000000000002', 'integration_result', 'completed',
   'Mailchimp member permanently deleted.', '{}', 'd0000000-0000-4000-8000-000000000003', now() - interval '39 days'),
  ('ab000000-0000-4000-8000-000000000015', 'aa000000-0000-4000-8000-000000000002', 'integration_result', 'exempted',
   'Stripe payment records kept: legal obligation to keep invoices (GDPR Art. 17(3)(b)).', '{"exemption": "legal_obligation"}',
   'd0000000-0000-4000-8000-000000000002', now() - interval '39 days'),
  ('ab000000-0000-4000-8000-000000000016', 'aa000000-0000-4000-8000-000000000002', 'completed', 'completed',
   'Erasure completed except for records the law requires us to keep; the requester was told why.', '{}', null, now() - interval '28 days')
on conflict do nothing;

insert into public.integration_sync_jobs (id, controller_id, data_processor_id, rights_request_id, data_subject_id, job_type, status, attempts,
    next_attempt_at, exemption_reason, idempotency_key, completed_at) values
  ('ac000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000001',
   'aa000000-0000-4000-8000-000000000002', null, 'erasure', 'completed', 3, now() - interval '35 days', null,
   'erasure:aa000000-0000-4000-8000-000000000002:d0000000-0000-4000-8000-000000000001', now() - interval '35 days'),
  ('ac000000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000003',
   'aa000000-0000-4000-8000-000000000002', null, 'erasure', 'completed', 1, now() - interval '39 days', null,
   'erasure:aa000000-0000-4000-8000-000000000002:d0000000-0000-4000-8000-000000000003', now() - interval '39 days'),
  ('ac000000-0000-4000-8000-000000000003', 'c0000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000002',
   'aa000000-0000-4000-8000-000000000002', null, 'erasure', 'exempted', 0, now() - interval '39 days',
   'legal_obligation: invoices and payment records are kept for 10 years',
   'erasure:aa000000-0000-4000-8000-000000000002:d0000000-0000-4000-8000-000000000002', now() - interval '39 days')
on conflict do nothing;

insert into public.erasure_suppressions (id, controller_id, identifier_type, identifier_hash, key_version, rights_request_id, reason) values
  ('ad000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000001', 'email',
   'f03e1f77f2f2f89515a5a5e4f3986702eb88e11486db345b865739d71c07051d', 1, 'aa000000-0000-4000-8000-000000000002', 'erasure')
on conflict do nothing;
