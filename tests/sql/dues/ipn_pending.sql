-- Tests of dues.ipn_pending.

create or replace function tests.test_ipn_pending__claims_each_message_once_per_lease()
returns setof text
language plpgsql
as $$
declare
    v_now timestamptz := now();
    v_a   bigint := dues.ipn_receive(tests.fx_ipn_body('subscr_signup', 'a@example.org'), '{}');
    v_b   bigint := dues.ipn_receive(tests.fx_ipn_body('subscr_signup', 'b@example.org'), '{}');
begin
    return next results_eq(format('select id, body from dues.ipn_pending(%L, 1)', v_now),
                           format('select id, body from dues.ipn_message where id = %s', v_a),
                           'the oldest received message is claimed with its body, up to the limit');
    return next results_eq(format('select id from dues.ipn_pending(%L, 10)', v_now), format('values (%s::bigint)', v_b),
                           'a claimed message is not claimed again while its lease runs');
    return next is_empty(format('select id from dues.ipn_pending(%L, 10)', v_now + interval '119 seconds'),
                         'nor a little later');
    return next results_eq(format('select id from dues.ipn_pending(%L, 10)', v_now + interval '121 seconds'),
                           format('values (%s::bigint), (%s)', v_a, v_b),
                           'a lease that ran out (a worker that died) lets it be claimed again');
    return next is((select verify_attempts from dues.ipn_message where id = v_a), 2, 'each claim counts as an attempt');
end
$$;
