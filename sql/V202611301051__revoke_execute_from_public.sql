-- No function of dues is executable by PUBLIC: each api function is granted to the request roles that may
-- call it (in its procs/ file), and the others run inside them. Functions made before the baseline's
-- access area (which revokes it for functions made after) still carried PUBLIC's default EXECUTE.
revoke execute on all functions in schema dues, api, rules, jobs from public;
