-- Tests of api.membership_rule_list.

create or replace function tests.test_membership_rule_list__lists_the_shipped_policy()
returns setof text
language plpgsql
as $$
begin
    return next results_eq(
        $q$select status, start_event, start_offset, end_event, end_offset, is_membership, reminder_template, add_groups, remove_groups
             from api.membership_rule_list() where active$q$,
        $q$values ('resigned'::text, 'end_date'::text, '0 days'::interval, 'last_payment_date'::text, '31 days'::interval, true, null::text, '{}'::text[], '{}'::text[]),
                  ('left', 'end_date', '0 days', null, '0 days', false, null, '{}', '{members}'),
                  ('expired', 'last_payment_date', '90 days', null, '0 days', false, null, '{}', '{members}'),
                  ('reminded_80', 'last_payment_date', '80 days', 'last_payment_date', '90 days', true, 'membership_reminder', '{}', '{}'),
                  ('reminded_60', 'last_payment_date', '60 days', 'last_payment_date', '80 days', true, 'membership_reminder', '{}', '{}'),
                  ('reminded_40', 'last_payment_date', '40 days', 'last_payment_date', '60 days', true, 'membership_reminder', '{}', '{}'),
                  ('current', 'last_payment_date', '0 days', 'last_payment_date', '40 days', true, null, '{members}', '{pending_payments}'),
                  ('pending', 'join_date', '0 days', null, '0 days', false, null, '{}', '{}')$q$,
        'the shipped rules, highest weight first');
end
$$;
