drop table auth.users;
drop schema auth;
