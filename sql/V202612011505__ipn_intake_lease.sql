-- dues.ipn_intake takes p_lease: dues serve verifies a stored notification itself when its verification queue has room,
-- and then stores it leased to itself (as dues.ipn_pending leases what a worker claims), so that no worker verifies it
-- meanwhile; without the lease it is due at once, for the worker. The three-argument form goes (procs/ makes the new one).
drop function if exists dues.ipn_intake(bytea, jsonb, text);
