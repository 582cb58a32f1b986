-- The decision for a badge at an item on a day: (granted, reason, item id, member id).
-- Reasons: granted, unknown_item, item_disabled, unknown_badge, badge_revoked, no_grant, not_certified.
create or replace function dues.access_decide(p_item text, p_badge text, p_on date,
                                              out granted boolean, out reason text, out item_id bigint, out member_id bigint)
language plpgsql
stable
set search_path = ''
as $$
declare
    v_item  dues.item;
    v_badge dues.badge;
begin
    granted := false;
    select i.* into v_item from dues.item i where i.name = p_item;
    item_id := v_item.id;
    select b.* into v_badge from dues.badge b where b.number = p_badge and b.revoked_at is null;
    member_id := v_badge.member_id;
    if v_item.id is null then
        reason := 'unknown_item';
    elsif not v_item.active then
        reason := 'item_disabled';
    elsif v_badge.id is null then
        reason := case when exists (select from dues.badge b where b.number = p_badge) then 'badge_revoked' else 'unknown_badge' end;
    elsif not exists (select from dues.access_grant g
                       where g.item_id = v_item.id and g.revoked_at is null
                         and dues.member_in_group(v_badge.member_id, g.group_id, p_on)) then
        reason := 'no_grant';
    elsif v_item.requires_certification
          and not exists (select from dues.certification c
                           where c.member_id = v_badge.member_id and c.item_id = v_item.id and c.revoked_at is null) then
        reason := 'not_certified';
    else
        granted := true;
        reason := 'granted';
    end if;
end
$$;
