-- Credits a member with money received through a payment method; idempotent on (method, external_ref).
create or replace function api.register_payment(member_id bigint, amount numeric, currency text default null,
                                     method text default 'manual', external_ref text default null)
returns dues.payment
language plpgsql
security definer
set search_path = ''
-- generic plans for every statement of the call (and of what it calls): with custom plans, the statements that take
-- arrays (dues.ledger_post's) were planned again on every call, the largest CPU cost of a payment
set plan_cache_mode = force_generic_plan
as $$
declare
    -- the member's billing lock first (then the ledger's account locks), as every billing change takes them
    v_member      dues.member := dues.member_lock(register_payment.member_id);
    v_currency    char(3);
    v_ref         text := pg_catalog.btrim(register_payment.external_ref);
    v_payment     dues.payment;
    v_transaction bigint;
    v_today       date;
begin
    perform dues.require_argument('amount', register_payment.amount is null);
    perform dues.require_argument('method', register_payment.method is null);
    if register_payment.amount <= 0 then
        raise exception 'payment amount must be positive, got %', register_payment.amount
            using errcode = 'DU020';
    end if;
    if not exists (select from dues.payment_method pm where pm.name = register_payment.method) then
        raise exception 'payment method % is unknown', register_payment.method
            using errcode = 'DU006',
                  hint = (select 'known methods: ' || coalesce(pg_catalog.string_agg(pm.name, ', ' order by pm.name), 'none')
                            from dues.payment_method pm);
    end if;
    if register_payment.currency is null then
        -- what the member is most likely paying for: the newest opened order, else the system default
        select o.currency into v_currency
          from dues.subscription_order o
         where o.member_id = v_member.id and o.state = 'opened'
         order by o.opened_at desc, o.id desc
         limit 1;
    end if;
    v_currency := coalesce(v_currency, dues.currency_resolve(register_payment.currency));
    -- the amount, checked (money_check returns it unchanged): a call assigned is evaluated directly, where a PERFORM
    -- runs a statement through the executor, whose start and end cost more than the check itself
    register_payment.amount := dues.money_check(register_payment.amount, v_currency);
    if v_ref = '' then
        raise exception 'external_ref must not be blank'
            using errcode = 'DU017';
    end if;

    if v_ref is not null then
        -- one registration per (method, ref) at a time; a replay waits here, then sees the first one
        perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('dues.payment ' || register_payment.method || ' ' || v_ref, 0));
        select p.* into v_payment
          from dues.payment p
         where p.method = register_payment.method and p.external_ref = v_ref;
        if found then
            if (v_payment.member_id, v_payment.amount, v_payment.currency) = (v_member.id, register_payment.amount, v_currency) then
                return v_payment;
            end if;
            raise exception 'external reference % of % was already used for payment % (member %, % %)',
                            v_ref, register_payment.method, v_payment.id, v_payment.member_id, v_payment.amount, v_payment.currency
                using errcode = 'DU050',
                      detail = pg_catalog.format('this call: member %s, %s %s', v_member.id, register_payment.amount, v_currency);
        end if;
    end if;

    -- the processor's account to the member's: both in v_currency and distinct, the amount positive (checked above),
    -- so dues.ledger_post is called directly (dues.ledger_transfer would look both accounts up again to check that)
    v_transaction := dues.ledger_post(
        'payment',
        pg_catalog.format('payment from member %s via %s%s', v_member.id, register_payment.method, ' ' || v_ref),
        array[dues.processor_account(register_payment.method, v_currency), dues.member_account(v_member.id, v_currency)],
        array[-register_payment.amount, register_payment.amount]);

    insert into dues.payment as p (member_id, amount, currency, method, external_ref, ledger_transaction_id)
    values (v_member.id, register_payment.amount, v_currency, register_payment.method, v_ref, v_transaction)
    returning p.* into v_payment;

    v_today := dues.local_date(pg_catalog.now());
    -- debts first: the new credit (beyond what confirmed orders reserve) settles open invoices, oldest due first
    perform dues.member_settle(v_member.id, v_currency, v_today);
    -- a site that takes its dues as payments: what is left is the membership dues class's revenue (when it has one)
    perform dues.membership_dues_recognise(v_payment, v_today);
    return v_payment;
end
$$;

comment on function api.register_payment(bigint, numeric, text, text, text) is
$$Step 2 of subscribing: registers money a member paid outside the database (PayPal, bank transfer, cash, by hand) as credit on the
member's account, through a ledger transaction from the payment method's processor account. amount must be positive and have no more
decimals than the currency. currency defaults to the currency of the member's newest opened order, else the system default.
method is one of dues.payment_method (manual, paypal, bank_transfer, cash; default manual). external_ref is the processor's transaction id:
when given, a replay with the same method and reference returns the first payment unchanged and moves no money, and the same reference with
another member, amount or currency is refused. The new credit then settles the member's open invoices in that currency, oldest due
first (credit reserved by confirmed orders is left alone); what remains stays as credit for order_confirm and later invoices, unless
the currency has a membership dues class (class_set_membership_dues) and the member a running membership (not resigned, dues not waived), no running recurring subscription and
no opened order: then what the payment leaves is that class's revenue, with a receipt (docs/billing.md). Returns the payment (id, member_id, amount, currency, method, external_ref, ledger_transaction_id, created_at, created_by).
Errors: DU014 member_id, amount or method is null, DU001 unknown member, DU020 amount not positive, DU006 unknown method, DU021 unknown currency,
DU023 too many decimals, DU017 blank external_ref, DU050 external reference already used with different content.$$;

grant execute on function api.register_payment(bigint, numeric, text, text, text) to dues_staff;
