-- First payment: a member waiting in pending_payments moves to members (its
-- linked members with it), its membership starts, and a welcome e-mail and a
-- chat invitation (setting chat_webhook_url) are queued. Returns whether it was a first payment.
create or replace function dues.membership_first_payment(p_member dues.member, p_on date)
returns boolean
language plpgsql
set search_path = ''
as $$
declare
    v_pending bigint := (dues.group_by_key('pending_payments')).id;
    v_url     text := dues.setting_text('chat_webhook_url');
begin
    if not dues.member_in_group(p_member.id, v_pending, p_on) then
        return false;
    end if;
    perform dues.audit_why('first payment');
    -- the membership row first, then the groups: the order dues.membership_status_update (jobs.expire) takes them in
    perform dues.membership_ensure(p_member.id, p_on);
    perform dues.group_leave(p_member.id, v_pending, p_on);
    perform dues.group_join(p_member.id, (dues.group_by_key('members')).id, p_on);
    update dues.membership ms
       set start_date = coalesce(ms.start_date, p_on), end_date = null
     where ms.member_id = p_member.id;
    perform dues.audit_why(null);
    perform dues.outbox_enqueue('email', 'welcome', p_member.email,
                                pg_catalog.jsonb_build_object('name', p_member.name, 'email', p_member.email, 'member_id', p_member.id));
    if v_url <> '' then
        perform dues.outbox_enqueue('webhook', 'chat_invite', v_url,
                                    pg_catalog.jsonb_build_object('name', dues.json_inner(p_member.name),
                                                                  'email', dues.json_inner(p_member.email),
                                                                  'member_id', p_member.id));
    end if;
    return true;
end
$$;
