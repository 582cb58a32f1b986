-- A failed payment (p_kind failed: e-mail payment_failed) or a cancelled subscription or mandate (cancelled: e-mail
-- subscr_cancel_confirm) reported by a provider: the same messages as PayPal IPN's, to the member and the board.
-- Returns the outcome; access is unchanged.
create or replace function dues.webhook_notify(p_kind text, p_member dues.member, p_provider text, p_reference text,
                                               p_what text)
returns dues.ipn_outcome
language plpgsql
set search_path = ''
as $$
declare
    v_title text := coalesce((select pm.title from dues.payment_method pm where pm.name = p_provider), p_provider);
    v_count int;
begin
    perform dues.outbox_enqueue('email', case p_kind when 'failed' then 'payment_failed' else 'subscr_cancel_confirm' end,
        p_member.email,
        pg_catalog.jsonb_build_object('name', p_member.name, 'email', p_member.email, 'member_id', p_member.id,
                                      'subscr_id', p_reference, 'processor', v_title));
    v_count := dues.board_notify(case p_kind when 'failed' then 'payment failed' else 'subscription cancelled' end,
                                 pg_catalog.format('%s: %s (%s) of %s. Access stays until the paid time runs out.',
                                                   v_title, p_what, p_reference, p_member.name),
                                 p_member, dues.local_date(pg_catalog.now()));
    return ('processed', pg_catalog.format('%s: mail %s to the member and %s board notice(s) queued; access unchanged', p_what,
                                           case p_kind when 'failed' then 'payment_failed' else 'subscr_cancel_confirm' end, v_count),
            p_member.id, null)::dues.ipn_outcome;
end
$$;
