-- Tests of dues.session_authenticate.

create or replace function tests.test_session_authenticate__checks_the_token_then_sets_the_session()
returns setof text
language plpgsql
as $$
declare
    v_member  bigint         := tests.fx_member();
    v_token   dues.api_token := tests.fx_token(v_member);
    v_revoked dues.api_token := tests.fx_token(v_member);
    v_who     record;
begin
    update dues.api_token set revoked_at = now() where id = v_revoked.id;
    return next throws_ok(format('select * from dues.session_authenticate(%L, true)', v_revoked.token_hash), '28000', null,
                          'a revoked token is refused');
    return next is(current_user::text, session_user::text, 'and the session is left as it was');
    execute format('select * from dues.session_authenticate(%L, true)', v_token.token_hash) into v_who;
    v_who := row(v_who.role, v_who.member_id, v_who.actor, current_user::text);
    reset role;
    return next is(v_who::text, row('dues_member', v_member, 'member ' || v_member, 'dues_member')::text,
                   'a valid token: who it is is returned, and the session acts as it');
end
$$;
