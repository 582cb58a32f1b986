-- Lists charges, newest first: a member's or everyone's, pending, billed or cancelled.
create or replace function api.charge_list(member_id bigint default null, state text default null, "limit" int default 50,
                                           after bigint default null)
returns setof dues.charge_view
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    if charge_list.member_id is not null then
        perform dues.member_get(charge_list.member_id);
    end if;
    perform dues.list_check(charge_list."limit", charge_list.after);
    if charge_list.state not in ('pending', 'billed', 'cancelled') then
        raise exception 'state must be pending, billed or cancelled, got %', charge_list.state
            using errcode = 'DU019';
    end if;
    return query execute
        'select v.* from dues.charge c, dues.charge_view(c) v where true'
        || case when charge_list.member_id is not null then ' and c.member_id = $1' else '' end
        || case when charge_list.state is not null then ' and v.state = $2' else '' end
        || case when charge_list.after is not null then ' and c.id < $3' else '' end
        || ' order by c.id desc limit $4'
        using charge_list.member_id, charge_list.state, charge_list.after, charge_list."limit";
end
$$;

comment on function api.charge_list(bigint, text, int, bigint) is
$$Lists one-off charges (setup fees and charges staff added), newest first: of one member (member_id) or of everyone; optionally
only those in a state: pending (the collector bills it once due_date is within invoice_lead_days), billed (on invoice_id, an
invoice that is not void) or cancelled (charge_cancel: never billed again). Each row: id, member_id, class_id,
class_subscription_id (a setup fee's subscription), kind (setup_fee or charge), description, amount, currency, due_date, state,
invoice_id, created_at, cancelled_at. A page of limit rows (50 by default, at most 500); the next page is after the last id seen.
Staff only.
Errors: DU001 unknown member, DU019 unknown state, DU300 limit outside 1..500, DU301 after below 1, 42501 not staff.$$;

grant execute on function api.charge_list(bigint, text, int, bigint) to dues_staff;
