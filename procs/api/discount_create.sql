-- Creates a discount code: a percent or an amount off what members pay for some classes (or all), for a time.
create or replace function api.discount_create(code text, percent numeric default null, amount numeric default null,
                                               currency text default null,
                                               valid_from date default dues.local_date(now()), valid_until date default null,
                                               max_uses int default null, class_ids bigint[] default null,
                                               periods int default null)
returns dues.discount_view
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_discount dues.discount;
    v_currency char(3);
    v_class    dues.class;
    v_class_id bigint;
begin
    perform dues.authorize_staff();
    perform dues.require_argument('code', discount_create.code is null);
    perform dues.require_argument('valid_from', discount_create.valid_from is null);
    if discount_create.code !~ '^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$' then
        raise exception 'a discount code is 1 to 40 letters, digits, - or _ (starting with a letter or digit), got %',
                        discount_create.code
            using errcode = 'DU726';
    end if;
    if (discount_create.percent is null) = (discount_create.amount is null) then
        raise exception 'a discount takes either a percent or an amount off, not both nor neither'
            using errcode = 'DU726';
    end if;
    if discount_create.percent is not null then
        if discount_create.percent <= 0 or discount_create.percent > 100
           or discount_create.percent <> pg_catalog.round(discount_create.percent, 2) then
            raise exception 'percent must be above 0 and at most 100, with at most 2 decimals, got %', discount_create.percent
                using errcode = 'DU726';
        end if;
        if discount_create.currency is not null then
            raise exception 'a percent discount has no currency, got %', discount_create.currency
                using errcode = 'DU726';
        end if;
    else
        v_currency := dues.currency_resolve(discount_create.currency);
        if discount_create.amount <= 0 then
            raise exception 'amount must be above 0, got %', discount_create.amount
                using errcode = 'DU726';
        end if;
        perform dues.money_check(discount_create.amount, v_currency);
    end if;
    if discount_create.valid_until < discount_create.valid_from then
        raise exception 'valid_until % is before valid_from %', discount_create.valid_until, discount_create.valid_from
            using errcode = 'DU726';
    end if;
    if discount_create.max_uses < 1 or discount_create.periods < 1 then
        raise exception 'max_uses and periods must be at least 1 (null: no limit), got % and %', discount_create.max_uses,
                        discount_create.periods
            using errcode = 'DU726';
    end if;
    if exists (select from dues.discount d where pg_catalog.lower(d.code) = pg_catalog.lower(discount_create.code)) then
        raise exception 'discount code % is taken', discount_create.code
            using errcode = 'DU725';
    end if;
    foreach v_class_id in array coalesce(discount_create.class_ids, '{}') loop
        v_class := dues.class_get(v_class_id);
        if v_currency is not null and v_class.currency <> v_currency then
            raise exception 'discount of % % cannot be for class %, billed in %', discount_create.amount, v_currency,
                            v_class.id, v_class.currency
                using errcode = 'DU723';
        end if;
    end loop;

    insert into dues.discount as d (code, percent, amount, currency, valid_from, valid_until, max_uses, periods)
    values (discount_create.code, discount_create.percent, discount_create.amount, v_currency, discount_create.valid_from,
            discount_create.valid_until, discount_create.max_uses, discount_create.periods)
    returning d.* into v_discount;
    insert into dues.discount_class (discount_id, class_id)
    select distinct v_discount.id, c from pg_catalog.unnest(discount_create.class_ids) c;
    return dues.discount_view(v_discount);
end
$$;

comment on function api.discount_create(text, numeric, numeric, text, date, date, int, bigint[], int) is
$$Creates a discount code members give when they subscribe (class_subscription_request, recurring_subscription_start: discount_code)
or staff grant to a running recurring subscription (discount_grant). It takes either percent (above 0, at most 100) or amount (in
currency, default the default currency) off: off an order's price (single payment, fixed term, per session, sliding scale), or off each
period of a recurring subscription, for periods periods (null: every period), never below 0. It may be taken from valid_from (default
today) to valid_until (inclusive; null: no end), by at most max_uses subscriptions or orders (null: no limit; only confirmed orders use it up, an opened one
is refused at order_confirm once it is used up; a cancelled order's use is given back), for the classes class_ids (null or empty: every class). Codes are unique whatever their case; a member may type
them in any case. Staff only. Returns the discount as discount_list shows it.
Errors: DU014 code or valid_from is null, DU726 a code that is not 1 to 40 letters, digits, - or _, both or neither of percent and
amount, a percent outside 0..100, a currency with a percent, an amount not above 0, valid_until before valid_from, max_uses or periods
below 1; DU021 unknown currency, DU023 too many decimals for the currency, DU725 the code is taken, DU002 an unknown class,
DU723 an amount discount for a class billed in another currency, 42501 not staff.$$;

grant execute on function api.discount_create(text, numeric, numeric, text, date, date, int, bigint[], int) to dues_staff;
