-- Lists payments, newest first: a member's, or everyone's (staff), by method and day.
create or replace function api.payment_list(member_id bigint default null, method text default null, from_date date default null,
                                            to_date date default null, "limit" int default 50, after bigint default null)
returns setof dues.payment_view
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    if payment_list.member_id is null then
        perform dues.authorize_staff();
    else
        perform dues.authorize_member(payment_list.member_id, 'use');
        perform dues.member_get(payment_list.member_id);
    end if;
    perform dues.list_check(payment_list."limit", payment_list.after);
    if payment_list.method is not null and not exists (select from dues.payment_method pm where pm.name = payment_list.method) then
        raise exception 'payment method % is unknown', payment_list.method
            using errcode = 'DU006',
                  hint = 'payment_method_list lists them';
    end if;
    if payment_list.from_date > payment_list.to_date then
        raise exception 'from_date % is after to_date %', payment_list.from_date, payment_list.to_date
            using errcode = 'DU01C';
    end if;
    -- only the conditions asked for, planned with their values: a member's payments come from its index
    return query execute
        'select p.id, p.member_id, p.amount, p.currency, p.method, p.external_ref,
                coalesce((select sum(r.amount) from dues.refund r where r.payment_id = p.id), 0.00)::numeric(14,2),
                p.created_at, p.created_by
           from dues.payment p
          where true'
        || case when payment_list.member_id is not null then ' and p.member_id = $1' else '' end
        || case when payment_list.method is not null then ' and p.method = $2' else '' end
        || case when payment_list.from_date is not null then ' and dues.local_date(p.created_at) >= $3' else '' end
        || case when payment_list.to_date is not null then ' and dues.local_date(p.created_at) <= $4' else '' end
        || case when payment_list.after is not null then ' and p.id < $5' else '' end
        || ' order by p.id desc limit $6'
        using payment_list.member_id, payment_list.method, payment_list.from_date, payment_list.to_date, payment_list.after,
              payment_list."limit";
end
$$;

comment on function api.payment_list(bigint, text, date, date, int, bigint) is
$$Lists payments, newest first: of one member (member_id), or of everyone (staff only, member_id null); optionally of one payment
method and registered from from_date to to_date (inclusive, days of the site's time zone). Each row: id, member_id, amount, currency,
method, external_ref, refunded (the sum of its refunds), created_at, created_by; payment_get tells what it settled. A page of limit
rows (50 by default, at most 500); the next page is after the last id seen. A member may list its own.
Errors: DU001 unknown member, DU006 unknown method, DU01C from_date after to_date, DU300 limit outside 1..500, DU301 after below 1,
42501 not allowed.$$;

grant execute on function api.payment_list(bigint, text, date, date, int, bigint) to dues_member, dues_staff;
