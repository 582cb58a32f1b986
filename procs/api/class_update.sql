-- Changes a class's title, description and parameter values; orders opened before keep the values they were priced with.
create or replace function api.class_update(class_id bigint, title text default null, description text default null,
                                            params jsonb default null, why text default null)
returns dues.class_view
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_class  dues.class;
    v_title  text := pg_catalog.btrim(class_update.title);
    v_old    jsonb;
    v_params jsonb;
    v_fixed  text;
begin
    perform dues.authorize_staff();
    perform dues.require_argument('class_id', class_update.class_id is null);
    select c.* into v_class from dues.class c where c.id = class_update.class_id for update;
    if not found then
        raise exception 'class % not found', class_update.class_id
            using errcode = 'DU002';
    end if;
    if v_title = '' then
        raise exception 'title must not be blank'
            using errcode = 'DU017';
    end if;
    v_old := dues.class_params(v_class.id);
    if class_update.params is not null then
        if pg_catalog.jsonb_typeof(class_update.params) <> 'object' then
            raise exception 'parameters must be a JSON object, got %', class_update.params
                using errcode = 'DU01K';
        end if;
        -- the values given replace those of the same names; the whole is checked as class_create checks it
        v_params := dues.params_check(v_class.rule, 'class', v_old || pg_catalog.jsonb_strip_nulls(class_update.params),
                                      v_class.currency);
        perform dues.rule_check_class(v_class.rule, v_params);
        if v_class.rule = 'recurring' then
            -- a running recurring subscription is billed from the class's terms each period: only its setup fee (charged when
            -- a subscription starts) may change under it
            select pg_catalog.min(k.key) into v_fixed
              from pg_catalog.jsonb_each(v_params) k
             where k.key not in ('setup_fee', 'seats') and k.value is distinct from v_old -> k.key;
            if v_fixed is not null
               and exists (select from dues.recurring_subscription r
                            where r.class_id = v_class.id
                              and (r.end_date is null or r.billed_until is null or r.billed_until < r.end_date)) then
                raise exception 'class % has subscriptions still to bill: its % cannot change under them', v_class.id, v_fixed
                    using errcode = 'DU30C',
                          hint = 'make a new class and move the subscriptions (recurring_subscription_change_class), or set a '
                                 'member''s own period amount (period_amount_set)';
            end if;
        end if;
    end if;

    perform dues.audit_why(class_update.why);
    update dues.class c
       set title = coalesce(v_title, c.title),
           description = case when class_update.description is null then c.description
                              else nullif(pg_catalog.btrim(class_update.description), '') end
     where c.id = v_class.id
    returning c.* into v_class;
    insert into dues.class_subscription_parameter as p (class_id, rule, name, value)
    select v_class.id, v_class.rule, k.key, k.value
      from pg_catalog.jsonb_each(coalesce(v_params, '{}')) k
     where k.value is distinct from v_old -> k.key
    on conflict on constraint class_subscription_parameter_pkey do update set value = excluded.value;
    if dues.class_seats(v_class.id) is not null then
        -- more seats (or any change) offer those now free to the waiting list
        perform dues.class_waitlist_offer(v_class.id, pg_catalog.now());
    end if;
    perform dues.audit_why(null);
    return dues.class_view(v_class);
end
$$;

comment on function api.class_update(bigint, text, text, jsonb, text) is
$$Changes a class: its title, its description (empty text clears it) and its parameter values (params: the values to change, by
name; the others keep theirs; the whole is checked as class_create checks it). Orders opened afterwards are priced with the new values;
orders opened before keep theirs. A recurring class's terms (amount, period, renewal, …) are what its subscriptions are billed by each
period, so they do not change while a subscription still has periods to bill (its setup fee may: it is charged when one starts; and its
seats may). Seats free after the change are offered to the class's waiting list.
Every change is in the audit log with why. Returns the class as class_list shows it. Staff only.
Errors: DU014 class_id is null, DU002 unknown class, DU017 blank title, DU016 a title or description too long, DU01K params not an
object, DU011 unknown parameter, DU012 invalid value, DU30C a recurring class's term with subscriptions to bill, 42501 not staff.$$;

grant execute on function api.class_update(bigint, text, text, jsonb, text) to dues_staff;
