-- Trigger: a class subscription of a recurring class gets its billing state and, unless its dues are 0, its setup fee.
create or replace function dues.recurring_subscription_begin()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
    v_terms         dues.recurring_terms;
    v_service_order bigint;
begin
    if not exists (select from dues.class c where c.id = new.class_id and c.rule = 'recurring') then
        return null;
    end if;
    v_terms := dues.recurring_terms(new.class_id);
    select (o.params ->> 'service_order_id')::bigint into v_service_order from dues.subscription_order o where o.id = new.order_id;
    if dues.member_master(new.member_id) is not null then
        raise exception 'member % is linked to member %: linked members are billed through their master',
                        new.member_id, dues.member_master(new.member_id)
            using errcode = 'DUB12';
    end if;
    begin
        insert into dues.recurring_subscription (class_subscription_id, member_id, class_id, service_order_id,
                                                 start_date, anchor_date, end_date)
        values (new.id, new.member_id, new.class_id, v_service_order, new.start_date, new.start_date, new.end_date);
    exception when exclusion_violation then
        raise exception 'member % already has a subscription to class % overlapping % to %',
                        new.member_id, new.class_id, new.start_date, coalesce(new.end_date::text, 'open end')
            using errcode = 'DUB10',
                  hint = 'start after it ends, cancel it, or use another service order';
    end;
    if v_terms.setup_fee > 0 and dues.period_amount(new.member_id, new.class_id, new.start_date) > 0 then
        insert into dues.charge (member_id, class_id, class_subscription_id, kind, description, amount, currency, due_date)
        values (new.member_id, new.class_id, new.id, 'setup_fee',
                'Setup fee: ' || (select c.title from dues.class c where c.id = new.class_id),
                v_terms.setup_fee, v_terms.currency, new.start_date);
    end if;
    return null;
end
$$;

create or replace trigger class_subscription_recurring
    after insert on dues.class_subscription
    for each row execute function dues.recurring_subscription_begin();
