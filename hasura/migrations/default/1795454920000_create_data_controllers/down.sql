drop table public.team_invitations;
drop table public.data_controller_users;
drop table public.data_controller_details;
drop table public.data_controllers;
