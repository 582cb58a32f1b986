-- PayPal IPN intake: the address a message came from, so that a body that is
-- not a notification for our receiver is kept at most once per sender and
-- minute; and how long messages without effect are kept.

alter table dues.ipn_message add column sender text;
comment on column dues.ipn_message.sender is
    'The client address the message came from (as dues serve saw it); null for messages received before it was recorded.';

-- what the once-a-minute rule looks at
create index ipn_message_foreign_idx on dues.ipn_message (sender, received_at)
    where state = 'rejected' and verification is null;
-- what jobs.cleanup may remove
create index ipn_message_junk_idx on dues.ipn_message (received_at)
    where state in ('invalid', 'rejected') and payment_id is null and member_id is null;

insert into dues.setting (name, value) values
    ('ipn_junk_retention_days', '90')
on conflict do nothing;
