-- Refuses a day before today (dues.local_date) unless the caller is staff and gives a reason: a member gets DUB19,
-- staff without why DU014. Records why for the audit log of the rest of the transaction.
create or replace function dues.recurring_subscription_day_check(p_day date, p_what text, p_why text)
returns void
language plpgsql
set search_path = ''
as $$
declare
    v_today date := dues.local_date(pg_catalog.now());
begin
    if p_day < v_today then
        if not dues.caller_is_staff() then
            raise exception 'a subscription cannot % before today (%): % is in the past', p_what, v_today, p_day
                using errcode = 'DUB19',
                      hint = 'choose today or a later day; staff can correct the past';
        end if;
        perform dues.require_argument('why', nullif(pg_catalog.btrim(p_why), '') is null);
    end if;
    perform dues.audit_why(nullif(pg_catalog.btrim(p_why), ''));
end
$$;
