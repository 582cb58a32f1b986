-- Tests of api.membership_rule_list.

create or replace function tests.test_membership_rule_list__lists_the_shipped_policy()
returns setof text
language plpgsql
as $$
begin
    return next results_eq(
        $q$select status, standing, start_event, start_offset, end_event, end_offset, is_membership, reminder_template, add_groups,
                  remove_groups
             from api.membership_rule_list() where active$q$,
        $q$values (null::text, 'suspended'::text, 'oldest_unpaid_due_date'::text, '91 days'::interval, null::text, '0 days'::interval, false, null::text, '{}'::text[], '{}'::text[]),
                  (null, 'at_risk', 'oldest_unpaid_due_date', '61 days', null, '0 days', false, null, '{}', '{}'),
                  ('resigned', null, 'end_date', '0 days', 'last_payment_date', '31 days', true, null, '{}', '{}'),
                  ('left', null, 'end_date', '0 days', null, '0 days', false, null, '{}', '{members}'),
                  ('expired', null, 'last_payment_date', '90 days', null, '0 days', false, null, '{}', '{members}'),
                  ('reminded_80', null, 'last_payment_date', '80 days', 'last_payment_date', '90 days', true, 'membership_reminder', '{}', '{}'),
                  ('reminded_60', null, 'last_payment_date', '60 days', 'last_payment_date', '80 days', true, 'membership_reminder', '{}', '{}'),
                  ('reminded_40', null, 'last_payment_date', '40 days', 'last_payment_date', '60 days', true, 'membership_reminder', '{}', '{}'),
                  ('current', null, 'last_payment_date', '0 days', 'last_payment_date', '40 days', true, null, '{members}', '{pending_payments}'),
                  ('pending', null, 'join_date', '0 days', null, '0 days', false, null, '{}', '{}')$q$,
        'the shipped rules, highest weight first: billing''s two standing rules, then the membership status rules');
end
$$;
