-- Lists orders, newest first: a member's, or everyone's (staff), by class and state.
create or replace function api.order_list(member_id bigint default null, class_id bigint default null, state text default null,
                                          "limit" int default 50, after bigint default null)
returns setof dues.order_view
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    if order_list.member_id is null then
        perform dues.authorize_staff();
    else
        perform dues.authorize_member(order_list.member_id, 'use');
        perform dues.member_get(order_list.member_id);
    end if;
    perform dues.list_check(order_list."limit", order_list.after);
    if order_list.state not in ('opened', 'confirmed', 'closed', 'cancelled') then
        raise exception 'state must be opened, confirmed, closed or cancelled, got %', order_list.state
            using errcode = 'DU019';
    end if;
    if order_list.class_id is not null then
        perform dues.class_get(order_list.class_id);
    end if;
    -- only the conditions asked for, planned with their values: a member's orders come from its index
    return query execute
        'select (dues.order_view(o)).* from dues.subscription_order o where true'
        || case when order_list.member_id is not null then ' and o.member_id = $1' else '' end
        || case when order_list.class_id is not null then ' and o.class_id = $2' else '' end
        || case when order_list.state is not null then ' and o.state::text = $3' else '' end
        || case when order_list.after is not null then ' and o.id < $4' else '' end
        || ' order by o.id desc limit $5'
        using order_list.member_id, order_list.class_id, order_list.state, order_list.after, order_list."limit";
end
$$;

comment on function api.order_list(bigint, bigint, text, int, bigint) is
$$Lists orders, newest first, as order_get shows them: of one member (member_id), or of everyone (staff only, member_id null);
optionally of one class and in one state (opened, confirmed, closed, cancelled). A page of limit rows (50 by default, at most 500);
the next page is after the last id seen. A member may list its own.
Errors: DU001 unknown member, DU002 unknown class, DU019 unknown state, DU300 limit outside 1..500, DU301 after below 1,
42501 not allowed.$$;

grant execute on function api.order_list(bigint, bigint, text, int, bigint) to dues_member, dues_staff;
