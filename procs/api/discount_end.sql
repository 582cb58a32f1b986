-- Ends a discount: nobody takes it any more, and no period billed from now on is discounted by it.
create or replace function api.discount_end(discount_id bigint, why text default null)
returns dues.discount_view
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_discount dues.discount;
begin
    perform dues.authorize_staff();
    perform dues.require_argument('discount_id', discount_end.discount_id is null);
    select d.* into v_discount from dues.discount d where d.id = discount_end.discount_id for update;
    if not found then
        raise exception 'discount % not found', discount_end.discount_id
            using errcode = 'DU720';
    end if;
    if v_discount.ended_at is not null then
        raise exception 'discount % ended on % already', v_discount.code, v_discount.ended_at
            using errcode = 'DU724';
    end if;
    perform dues.audit_why(discount_end.why);
    update dues.discount d set ended_at = pg_catalog.now(), ended_by = dues.actor()
     where d.id = v_discount.id
    returning d.* into v_discount;
    perform dues.audit_why(null);
    return dues.discount_view(v_discount);
end
$$;

comment on function api.discount_end(bigint, text) is
$$Ends a discount code at once: it is taken no more (DU724), and the collector discounts no period it bills from now on, also of
subscriptions that took it before (invoices issued already keep their discount lines). Recorded in the audit log with why. Staff only.
Returns the discount as discount_list shows it.
Errors: DU014 discount_id is null, DU720 unknown discount, DU724 ended already, 42501 not staff.$$;

grant execute on function api.discount_end(bigint, text) to dues_staff;
