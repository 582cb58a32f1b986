-- The discount a code names, locked (FOR UPDATE, so two members taking its last use go one after the other), when it
-- may be taken on a day for an order of a member and a class: DU720 unknown code, DU724 ended, DU721 outside its
-- valid days, DU723 not for the class (nor its currency), DU722 used up.
create or replace function dues.discount_check(p_code text, p_class_id bigint, p_on date)
returns dues.discount
language plpgsql
set search_path = ''
as $$
declare
    v_discount dues.discount;
    v_class    dues.class := dues.class_get(p_class_id);
    v_uses     int;
begin
    select d.* into v_discount from dues.discount d where pg_catalog.lower(d.code) = pg_catalog.lower(p_code) for update;
    if not found then
        raise exception 'discount code % not found', p_code
            using errcode = 'DU720';
    end if;
    if v_discount.ended_at is not null then
        raise exception 'discount % ended on %', v_discount.code, v_discount.ended_at
            using errcode = 'DU724';
    end if;
    if p_on < v_discount.valid_from or p_on > v_discount.valid_until then
        raise exception 'discount % is valid from % to %, not on %', v_discount.code, v_discount.valid_from,
                        coalesce(v_discount.valid_until::text, 'no end'), p_on
            using errcode = 'DU721';
    end if;
    if exists (select from dues.discount_class dc where dc.discount_id = v_discount.id)
       and not exists (select from dues.discount_class dc where dc.discount_id = v_discount.id and dc.class_id = v_class.id) then
        raise exception 'discount % is not for class %', v_discount.code, v_class.id
            using errcode = 'DU723';
    end if;
    if v_discount.currency <> v_class.currency then
        raise exception 'discount % is an amount in %, class % is billed in %', v_discount.code, v_discount.currency,
                        v_class.id, v_class.currency
            using errcode = 'DU723';
    end if;
    v_uses := dues.discount_uses(v_discount.id);
    if v_uses >= v_discount.max_uses then
        raise exception 'discount % is used up: % of % uses taken', v_discount.code, v_uses, v_discount.max_uses
            using errcode = 'DU722';
    end if;
    return v_discount;
end
$$;
