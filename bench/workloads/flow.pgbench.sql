select (api.member_create('Flow pgbench', 'flow-pgbench-' || pg_current_xact_id()::text || '@bench.example')).id as member \gset
select (api.class_subscription_request(:member, :class)).id as order_id \gset
select api.register_payment(:member, 25.00, null, 'manual', null);
select api.order_confirm(:order_id);
select api.class_subscription_confirm(:order_id);
