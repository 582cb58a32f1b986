-- One name per concept (docs/glossary.md): the functions of recurring subscriptions share one prefix, and a recurring
-- subscription is named by its class subscription's id, class_subscription_id, never by a bare subscription_id (which
-- named a class subscription in some places and a recurring one in others). Their procs/ files make the new ones.
drop function if exists api.subscription_start(bigint, bigint, jsonb);
drop function if exists api.subscription_cancel(bigint, date, text);
drop function if exists api.subscription_change_class(bigint, bigint, date, text);
-- an answer column and an argument renamed
drop function if exists api.recurring_subscription_list(bigint);
drop function if exists dues.recurring_subscription_lock(bigint, text);

alter table dues.charge rename column subscription_id to class_subscription_id;
alter table dues.charge rename constraint charge_subscription_id_fkey to charge_class_subscription_id_fkey;
alter table dues.invoice_line rename column subscription_id to class_subscription_id;
alter table dues.invoice_line rename constraint invoice_line_subscription_id_fkey to invoice_line_class_subscription_id_fkey;
