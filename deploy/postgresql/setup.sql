-- The portal's role and database. Run once as the postgres superuser:
--   sudo -u postgres psql -v password='<a long random password>' -f deploy/postgresql/setup.sql
-- then DATABASE_URL=postgres://zhashui:<that password>@127.0.0.1:5432/zhashui
-- Password hashes in SCRAM-SHA-256, never md5 (the default since PostgreSQL 14).
SET password_encryption = 'scram-sha-256';
CREATE ROLE zhashui LOGIN PASSWORD :'password';
-- UTF-8 (Chinese text everywhere), template0 so the encoding can be chosen.
CREATE DATABASE zhashui OWNER zhashui ENCODING 'UTF8' TEMPLATE template0;
-- Nobody else may connect to or create objects in it.
REVOKE ALL ON DATABASE zhashui FROM PUBLIC;
\connect zhashui
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO zhashui;
