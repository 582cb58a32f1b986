-- Helpers of recurring billing: settings, locks, billing accounts, providers, recipients,
-- and the period arithmetic (periods, pieces of periods, exact proration).

-- An integer setting from dues.setting, or the default when it is missing or not a whole number.
create function dues.setting_int(p_name text, p_default int)
returns int
language sql
stable
set search_path = ''
as $$
    select coalesce((select s.value::int from dues.setting s where s.name = p_name and s.value ~ '^\s*[0-9]+\s*$'), p_default)
$$;

-- The reminder offsets (days after the due date), ascending, from setting reminder_days ("7,30").
create function dues.reminder_days()
returns int[]
language sql
stable
set search_path = ''
as $$
    select coalesce((select pg_catalog.array_agg(distinct d.value::int order by d.value::int)
                       from dues.setting s,
                            pg_catalog.regexp_split_to_table(s.value, '\s*,\s*') as d(value)
                      where s.name = 'reminder_days' and d.value ~ '^[0-9]+$' and d.value::int > 0),
                    '{}')
$$;

-- Locks a member's billing (FOR NO KEY UPDATE of its row) until the end of the transaction; returns the member.
-- Every billing change of a member takes this lock first, then ledger accounts: one order, no deadlock.
create function dues.member_lock(p_member_id bigint)
returns dues.member
language plpgsql
set search_path = ''
as $$
declare
    v_member dues.member;
begin
    perform dues.require_argument('member_id', p_member_id is null);
    select m.* into v_member from dues.member m where m.id = p_member_id for no key update;
    if not found then
        raise exception 'member % not found', p_member_id
            using errcode = 'DU001';
    end if;
    return v_member;
end
$$;

-- The member's receivable account in a currency (never positive: negative by what is owed), created on first use.
create function dues.receivable_account(p_member_id bigint, p_currency char(3))
returns bigint
language plpgsql
set search_path = ''
as $$
declare
    v_account_id bigint;
begin
    select a.id into v_account_id from dues.ledger_account a where a.receivable_of = p_member_id and a.currency = p_currency;
    if v_account_id is null then
        insert into dues.ledger_account (name, currency, allow_negative, allow_positive, receivable_of)
        values (pg_catalog.format('member %s receivable %s', p_member_id, p_currency), p_currency, true, false, p_member_id)
        on conflict (receivable_of, currency) where receivable_of is not null do nothing;
        select a.id into strict v_account_id from dues.ledger_account a where a.receivable_of = p_member_id and a.currency = p_currency;
    end if;
    return v_account_id;
end
$$;

-- A provider's bad debt account in a currency (negative by what it wrote off), created on first use.
create function dues.bad_debt_account(p_provider_id bigint, p_currency char(3))
returns bigint
language plpgsql
set search_path = ''
as $$
declare
    v_account_id bigint;
begin
    select a.id into v_account_id from dues.ledger_account a where a.bad_debt_of = p_provider_id and a.currency = p_currency;
    if v_account_id is null then
        insert into dues.ledger_account (name, currency, allow_negative, allow_positive, bad_debt_of)
        values (pg_catalog.format('provider %s bad debt %s', p_provider_id, p_currency), p_currency, true, false, p_provider_id)
        on conflict (bad_debt_of, currency) where bad_debt_of is not null do nothing;
        select a.id into strict v_account_id from dues.ledger_account a where a.bad_debt_of = p_provider_id and a.currency = p_currency;
    end if;
    return v_account_id;
end
$$;

-- Records the business day (and member, invoice) of a ledger transaction billing made.
create function dues.ledger_book(p_transaction_id bigint, p_booked_on date, p_member_id bigint, p_invoice_id bigint default null)
returns bigint
language sql
set search_path = ''
as $$
    insert into dues.ledger_booking (ledger_transaction_id, booked_on, member_id, invoice_id)
    values (p_transaction_id, p_booked_on, p_member_id, p_invoice_id)
    returning ledger_transaction_id
$$;

-- The provider that invoices a class: its own, else the broker; DUB14 when neither exists.
create function dues.class_provider(p_class_id bigint)
returns bigint
language plpgsql
stable
set search_path = ''
as $$
declare
    v_provider bigint;
begin
    select coalesce(c.provider_id, (select p.member_id from dues.provider p where p.broker)) into v_provider
      from dues.class c
     where c.id = p_class_id;
    if v_provider is null then
        raise exception 'class % names no provider and no broker is registered', p_class_id
            using errcode = 'DUB14',
                  hint = 'register the site''s organisation with provider_register(organization_id => …, broker => true)';
    end if;
    return v_provider;
end
$$;

-- Where a member's invoices and reminders go: its billing contact's e-mail, else its own.
create function dues.billing_recipient(p_member_id bigint)
returns text
language sql
stable
set search_path = ''
as $$
    select coalesce((select c.email from dues.member_contact c
                      where c.member_id = p_member_id and c.role = 'billing' and c.removed_at is null),
                    (select m.email from dues.member m where m.id = p_member_id))
$$;

-- The terms of a recurring class, read from its rule parameters.
create type dues.recurring_terms as (
    class_id     bigint,
    currency     char(3),
    period       text,
    period_count int,
    amount       numeric(14,2),
    setup_fee    numeric(14,2),
    renewal      text,
    periods      int
);
comment on type dues.recurring_terms is
    'A recurring class: period (day, week, month, year) x period_count, amount per period, setup fee (0 when none), '
    'renewal (one_time, auto_renew, fixed) and, for fixed, the number of periods.';

-- The terms of a class of rule recurring; DU002 unknown class, DUB16 when the class is not recurring.
create function dues.recurring_terms(p_class_id bigint)
returns dues.recurring_terms
language plpgsql
stable
set search_path = ''
as $$
declare
    v_class  dues.class := dues.class_get(p_class_id);
    v_params jsonb;
    v_terms  dues.recurring_terms;
begin
    if v_class.rule <> 'recurring' then
        raise exception 'class % has rule %, not recurring', v_class.id, v_class.rule
            using errcode = 'DUB16';
    end if;
    v_params := dues.class_params(v_class.id);
    v_terms.class_id := v_class.id;
    v_terms.currency := v_class.currency;
    v_terms.period := v_params ->> 'period';
    v_terms.period_count := coalesce((v_params ->> 'period_count')::int, 1);
    v_terms.amount := (v_params ->> 'amount')::numeric;
    v_terms.setup_fee := coalesce((v_params ->> 'setup_fee')::numeric, 0);
    v_terms.renewal := v_params ->> 'renewal';
    v_terms.periods := (v_params ->> 'periods')::int;
    return v_terms;
end
$$;

-- The length of n periods of a unit (day, week, month, year) x count, as an interval.
create function dues.period_interval(p_period text, p_count int, p_n int default 1)
returns interval
language sql
immutable
set search_path = ''
as $$
    select case p_period
               when 'day' then pg_catalog.make_interval(days => p_count * p_n)
               when 'week' then pg_catalog.make_interval(weeks => p_count * p_n)
               when 'month' then pg_catalog.make_interval(months => p_count * p_n)
               when 'year' then pg_catalog.make_interval(years => p_count * p_n)
           end
$$;

-- First day of period k counted from the anchor (k = 0 starts on the anchor; k < 0 are periods before it).
-- Always computed from the anchor, so month ends do not drift: 31 Jan, 28 Feb, 31 Mar.
create function dues.period_start(p_anchor date, p_period text, p_count int, p_k int)
returns date
language sql
immutable
set search_path = ''
as $$
    select (p_anchor + dues.period_interval(p_period, p_count, p_k))::date
$$;

-- The index k of the period that contains a day.
create function dues.period_index(p_anchor date, p_period text, p_count int, p_day date)
returns int
language plpgsql
immutable
set search_path = ''
as $$
declare
    v_k int;
begin
    -- a first guess from the day or month distance, then corrected by at most a step or two
    v_k := case p_period
               when 'day' then pg_catalog.floor((p_day - p_anchor)::numeric / p_count)
               when 'week' then pg_catalog.floor((p_day - p_anchor)::numeric / (7 * p_count))
               when 'month' then pg_catalog.floor(((extract(year from p_day) - extract(year from p_anchor)) * 12
                                                   + extract(month from p_day) - extract(month from p_anchor)) / p_count)
               when 'year' then pg_catalog.floor((extract(year from p_day) - extract(year from p_anchor)) / p_count)
           end;
    while dues.period_start(p_anchor, p_period, p_count, v_k) > p_day loop
        v_k := v_k - 1;
    end loop;
    while dues.period_start(p_anchor, p_period, p_count, v_k + 1) <= p_day loop
        v_k := v_k + 1;
    end loop;
    return v_k;
end
$$;

-- The amount of the days p_from..p_to of a period p_start..p_end that costs p_amount, prorated by days.
-- piece = R(amount x days up to p_to / period days) - R(amount x days before p_from / period days), R rounding to the
-- currency's minor units: the pieces of any split of a period add up to exactly its amount.
create function dues.period_piece(p_amount numeric, p_currency char(3), p_start date, p_end date, p_from date, p_to date)
returns numeric
language sql
stable
set search_path = ''
as $$
    select (pg_catalog.round(p_amount * (p_to - p_start + 1) / (p_end - p_start + 1), c.minor_units)
            - pg_catalog.round(p_amount * (p_from - p_start) / (p_end - p_start + 1), c.minor_units))::numeric(14,2)
      from dues.currency c
     where c.code = p_currency
       and p_start <= p_from and p_from <= p_to and p_to <= p_end
$$;

-- What a member pays for the period of a recurring class starting on a day: its newest dues override in effect, else the class amount.
create function dues.dues_amount(p_member_id bigint, p_class_id bigint, p_on date)
returns numeric
language plpgsql
stable
set search_path = ''
as $$
declare
    v_override dues.dues_override;
begin
    select o.* into v_override
      from dues.dues_override o
     where o.member_id = p_member_id and o.class_id = p_class_id and o.effective_from <= p_on
     order by o.effective_from desc, o.id desc
     limit 1;
    if found and v_override.amount is not null then
        return v_override.amount;
    end if;
    return (dues.recurring_terms(p_class_id)).amount;
end
$$;

-- What the member has settled on an invoice so far (credit applied, minus given back, plus written off).
create function dues.invoice_settled(p_invoice_id bigint)
returns numeric
language sql
stable
set search_path = ''
as $$
    select coalesce(pg_catalog.sum(s.amount), 0)::numeric(14,2) from dues.settlement s where s.invoice_id = p_invoice_id
$$;

-- Moves an invoice to a status, recording the change (business day, reason, who); nothing when it already has it.
create function dues.invoice_set_status(p_invoice_id bigint, p_status text, p_on date, p_reason text default null)
returns void
language plpgsql
set search_path = ''
as $$
declare
    v_from text;
begin
    select i.status into strict v_from from dues.invoice i where i.id = p_invoice_id;
    if v_from = p_status then
        return;
    end if;
    update dues.invoice i set status = p_status where i.id = p_invoice_id;
    insert into dues.invoice_status_change (invoice_id, from_status, to_status, changed_on, reason)
    values (p_invoice_id, v_from, p_status, p_on, p_reason);
end
$$;

-- The invoice with this id, locked FOR UPDATE; DU014 when null, DUB01 when unknown. The caller must already hold the member lock.
create function dues.invoice_lock(p_invoice_id bigint)
returns dues.invoice
language plpgsql
set search_path = ''
as $$
declare
    v_invoice dues.invoice;
begin
    select i.* into v_invoice from dues.invoice i where i.id = p_invoice_id for update;
    if not found then
        raise exception 'invoice % not found', p_invoice_id
            using errcode = 'DUB01';
    end if;
    return v_invoice;
end
$$;

-- The member of an invoice, or null when there is no such invoice.
create function dues.invoice_member(p_invoice_id bigint)
returns bigint
language sql
stable
set search_path = ''
as $$
    select i.member_id from dues.invoice i where i.id = p_invoice_id
$$;
