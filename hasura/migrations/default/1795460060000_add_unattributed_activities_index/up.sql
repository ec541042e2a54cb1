-- data_subjects_insert asks, for every new subject, whether its controller has
-- any activity from an intake row that no subject owns yet (FindSubjectContext,
-- `limit 1`): only such an activity can be attributed to the new subject. The
-- subject index finds NULL subjects of every controller and filters; this
-- partial index holds exactly the rows the question is about, per controller,
-- so the answer costs one index probe however many activities exist.
create index data_processing_activities_unattributed_idx on public.data_processing_activities (controller_id)
  where data_subject_id is null and intake_id is not null;
