-- Tests of dues.ipn_purge.

create or replace function tests.test_ipn_purge__removes_old_messages_without_effect_and_their_history()
returns setof text
language plpgsql
as $$
declare
    v_member  bigint := tests.fx_member();
    v_junk    bigint := (select id from dues.ipn_intake('junk'::bytea, '{}', 'fx sender ' || nextval('tests.fx_seq')));
    v_invalid bigint := dues.ipn_receive(tests.fx_ipn_body('subscr_payment', 'x@example.org', tests.fx_txn()), '{}');
    v_recent  bigint := (select id from dues.ipn_intake('recent junk'::bytea, '{}', 'fx sender ' || nextval('tests.fx_seq')));
    v_matched bigint := dues.ipn_receive(tests.fx_ipn_body('subscr_payment', 'y@example.org', tests.fx_txn()), '{}');
    v_ids     bigint[];
begin
    perform dues.ipn_verified(v_invalid, 'INVALID');
    perform dues.ipn_verified(v_matched, 'INVALID');
    update dues.ipn_message set member_id = v_member where id = v_matched;
    v_ids := array[v_junk, v_invalid, v_matched];
    update dues.ipn_message set received_at = now() - interval '91 days' where id = any (v_ids);
    return next throws_ok(format('delete from dues.ipn_message where id = %s', v_junk), 'DU042', null,
                          'by hand, even a message without effect is never deleted');
    return next is(dues.ipn_purge(now()), 2, 'two old messages had no effect');
    return next results_eq(format('select id from dues.ipn_message where id = any (%L) order by id', v_ids || v_recent),
                           format('values (%s::bigint), (%s)', least(v_recent, v_matched), greatest(v_recent, v_matched)),
                           'the recent one and the one that matched a member stay');
    return next is((select count(*)::int from dues.ipn_log where message_id in (v_junk, v_invalid)), 0,
                   'the history of the removed ones goes with them');
    return next throws_ok(format('delete from dues.ipn_log where message_id = %s', v_matched), 'DU042', null,
                          'the history of a kept message stays');
end
$$;

create or replace function tests.test_ipn_purge__keeps_messages_that_moved_money()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_id     bigint := tests.fx_ipn(tests.fx_ipn_body('subscr_payment', tests.fx_email(v_member), tests.fx_txn()));
begin
    update dues.ipn_message set state = 'rejected', received_at = now() - interval '1000 days' where id = v_id;
    return next ok((select payment_id from dues.ipn_message where id = v_id) is not null, 'it paid');
    perform dues.ipn_purge(now());
    return next is((select count(*)::int from dues.ipn_message where id = v_id), 1, 'a message that moved money is kept');
end
$$;
