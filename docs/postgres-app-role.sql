-- TRD Navigator on PostgreSQL: a database role for the application that can only read and
-- append the audit trail (docs/security.md). Run as the database owner, after the owner has
-- migrated the schema (`trdnav db upgrade --database postgresql://owner@host/trdnav`); then
-- serve with `--database postgresql://trdnav_app@host/trdnav`. Re-run after each upgrade that
-- adds tables. Replace the role name, the database name and the password.
CREATE ROLE trdnav_app LOGIN PASSWORD 'change-me';
GRANT CONNECT ON DATABASE trdnav TO trdnav_app;
GRANT USAGE ON SCHEMA public TO trdnav_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO trdnav_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO trdnav_app;
-- The audit trail: SELECT and INSERT only. The head row is moved by every append (UPDATE).
REVOKE UPDATE, DELETE, TRUNCATE ON ws_audit_events FROM trdnav_app;
REVOKE INSERT, DELETE, TRUNCATE ON ws_audit_head FROM trdnav_app;
-- Only the owner migrates; the application just reads which revision the schema is at.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON alembic_version FROM trdnav_app;
