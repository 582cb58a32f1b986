-- Trigger: a class subscription gets its days (during) and its rule's overlaps_allowed when it is made; afterwards only a
-- cancellation changes it, narrowing its days to a last day (or to none). Anything else is refused (DU042).
create or replace function dues.class_subscription_guard()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if tg_op = 'INSERT' then
        new.during := pg_catalog.daterange(new.start_date, new.end_date, '[]');
        select r.overlaps_allowed into strict new.overlaps_allowed
          from dues.class c
          join dues.subscription_rule r on r.name = c.rule
         where c.id = new.class_id;
        return new;
    end if;
    if (pg_catalog.to_jsonb(new) - 'during') <> (pg_catalog.to_jsonb(old) - 'during')
       or not (pg_catalog.isempty(new.during)
               or (pg_catalog.lower(new.during) = old.start_date and new.during <@ old.during)) then
        raise exception 'class subscription % cannot be rewritten: only a cancellation shortens its days', old.id
            using errcode = 'DU042',
                  hint = 'class_subscription_cancel';
    end if;
    return new;
end
$$;

create or replace trigger class_subscription_guard
    before insert or update on dues.class_subscription
    for each row execute function dues.class_subscription_guard();
