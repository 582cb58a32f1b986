-- The schemas of dues: what is private, what applications may call, and where DBAs extend.

-- dues: every table and internal helper; never reachable over HTTP.
create schema dues;
comment on schema dues is 'Private: all tables and internal helper functions of dues.';

-- api: exactly the functions applications may call (HTTP and `dues call`).
create schema api;
comment on schema api is 'The functions applications may call over HTTP; one concept per function.';

-- rules: subscription rule methods, the DBA's extension point (see docs/rules.md).
create schema rules;
comment on schema rules is 'Subscription rule methods: one PL/pgSQL function per subscription_rule row.';

-- jobs: background jobs run by the worker; empty for now.
create schema jobs;
comment on schema jobs is 'Background jobs run by the worker or cron; each takes "now" as an argument.';

revoke all on schema dues from public;
revoke all on schema rules from public;
revoke all on schema jobs from public;
