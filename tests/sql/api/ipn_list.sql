-- Tests of api.ipn_list.

-- Tests of api.ipn_list, api.ipn_get and api.ipn_reprocess: what admins see of payment notifications.

create or replace function tests.test_ipn_list__lists_by_state_newest_first()
returns setof text
language plpgsql
as $$
declare
    v_member    bigint := tests.fx_joined_member();
    v_processed bigint := tests.fx_ipn(tests.fx_ipn_body('subscr_signup', tests.fx_email(v_member)));
    v_unmatched bigint := tests.fx_ipn(tests.fx_ipn_body('subscr_signup', 'nobody' || v_member || '@example.org'));
    v_received  bigint := dues.ipn_receive(tests.fx_ipn_body('subscr_signup', tests.fx_email(v_member)), '{}');
begin
    return next results_eq(format('select id, state, txn_type, member_id from api.ipn_list() where id in (%s, %s, %s)',
                                  v_processed, v_unmatched, v_received),
                           format($q$values (%s::bigint, 'received'::text, null::text, null::bigint),
                                            (%s, 'unmatched', 'subscr_signup', null),
                                            (%s, 'processed', 'subscr_signup', %s)$q$, v_received, v_unmatched, v_processed, v_member),
                           'every message, newest first, with what became of it');
    return next results_eq(format('select id from api.ipn_list(%L) where id in (%s, %s, %s)', 'unmatched', v_processed, v_unmatched, v_received),
                           format('values (%s::bigint)', v_unmatched), 'or those in one state');
    return next is((select count(*) from api.ipn_list(null, 1)), 1::bigint, 'at most limit rows');
    return next throws_ok('select * from api.ipn_list(''lost'')', 'DU019', null, 'an unknown state');
    return next throws_ok('select * from api.ipn_list(null, 0)', 'DU01E', null, 'a limit below 1');
end
$$;
