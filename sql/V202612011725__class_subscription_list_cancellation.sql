-- api.class_subscription_list answers, beside each subscription's term, the last day it covers now (after a cancellation
-- or a pack of sessions used up), when it was cancelled, what was refunded and the sessions a pack has left: its answer
-- changes, so the function is made again by procs/api/class_subscription_list.sql.
drop function if exists api.class_subscription_list(bigint);
