-- Tests of dues.collect_batch (the collector's batch, set-based): a batch does what the same function does for each of
-- its members alone, as jobs.collect calls it when a batch fails (same invoices, numbers, lines, discounts, pauses,
-- household amounts, own amounts, charges, billed_until, mails, ledger), and a failure anywhere in it raises.

-- What the collector left for some members: their invoices with their lines, subscriptions, mails and ledger balances,
-- without ids (a line's id, and so the order of a discount line among the others, may differ).
create or replace function tests.collect_batch_state(p_members bigint[])
returns jsonb
language sql
as $$
    select jsonb_build_object(
        'invoices', (select jsonb_agg(jsonb_build_object(
                                'member', i.member_id, 'provider', i.provider_id, 'currency', i.currency, 'status', i.status,
                                'number', i.number, 'total', i.total, 'issue_date', i.issue_date, 'due_date', i.due_date,
                                'paid', dues.invoice_settled(i.id),
                                'lines', (select jsonb_agg(jsonb_build_array(l.kind, l.class_id, l.class_subscription_id, l.charge_id,
                                                                             l.description, l.period_of, l.period_start,
                                                                             l.period_end, l.due_date, l.amount, l.period_amount)
                                                           order by l.kind, l.class_subscription_id, l.period_of, l.charge_id)
                                            from dues.invoice_line l where l.invoice_id = i.id))
                             order by i.member_id, i.provider_id, i.currency)
                       from dues.invoice i where i.member_id = any (p_members)),
        'billed_until', (select jsonb_agg(jsonb_build_array(r.class_subscription_id, r.billed_until) order by r.class_subscription_id)
                           from dues.recurring_subscription r where r.member_id = any (p_members)),
        'discount_uses', (select count(*) from dues.discount_use u where u.member_id = any (p_members)),
        'mails', (select jsonb_agg(jsonb_build_array(o.template, o.recipient, o.data - 'invoice_id') order by o.data::text)
                    from dues.outbox o where (o.data ->> 'member_id')::bigint = any (p_members)),
        'standing', (select jsonb_agg(jsonb_build_array(s.member_id, s.standing, s.days_late) order by s.member_id)
                       from dues.member_standing s where s.member_id = any (p_members)),
        'balances', (select jsonb_agg(jsonb_build_array(a.name, dues.ledger_balance(a.id)) order by a.name)
                       from dues.ledger_account a
                      where a.receivable_of = any (p_members) or a.member_id = any (p_members)
                         or a.class_id in (select l.class_id from dues.invoice_line l join dues.invoice i on i.id = l.invoice_id
                                            where i.member_id = any (p_members))))
$$;

create or replace function tests.test_collect_batch__a_batch_does_what_its_members_alone_do()
returns setof text
language plpgsql
as $$
declare
    v_dues     bigint := tests.fx_recurring_class();
    v_provider bigint := (select provider_id from dues.class where id = v_dues);
    v_house    bigint := tests.fx_recurring_class('{"period": "month", "amount": "12.50", "renewal": "auto_renew",
                                                    "household_amount": "20.00"}', v_provider);
    v_other    bigint := tests.fx_recurring_class('{"period": "month", "amount": "7.00", "renewal": "auto_renew"}');
    v_code     text := (api.discount_create('BATCH' || nextval('tests.fx_seq'), percent => 20, periods => 2)).code;
    v_a        bigint := tests.fx_member('Ann Discount');
    v_b        bigint := tests.fx_member('Ben Pause');
    v_c        bigint := tests.fx_member('Cat Master');
    v_d        bigint := tests.fx_member('Dan Credit');
    v_e        bigint := tests.fx_member('Eve Linked');
    v_members  bigint[];
    v_run      bigint;
    v_today    date := tests.fx_day(1, 20);
    v_horizon  date := tests.fx_day(1, 20) + dues.setting_int('invoice_lead_days', 14);
    v_at       timestamptz := (tests.fx_day(1, 20) + time '12:00') at time zone 'UTC';
    v_set      jsonb;
    v_one      jsonb;
    v_counts   jsonb;
    v_sum      jsonb := '{}';
    v_member   bigint;
    v_key      text;
begin
    perform tests.fx_subscribe(v_a, v_dues, tests.fx_day(1, 1), p_discount_code => v_code);
    perform tests.fx_subscribe(v_a, v_other, tests.fx_day(1, 1));
    perform api.recurring_subscription_pause(tests.fx_subscribe(v_b, v_dues, tests.fx_day(1, 15)), tests.fx_day(2, 1), tests.fx_day(2, 10));
    perform api.member_link(v_e, v_c);
    perform tests.fx_subscribe(v_c, v_house, tests.fx_day(1, 1));
    perform tests.fx_subscribe(v_c, v_dues, tests.fx_day(1, 1));
    perform api.period_amount_set(v_d, v_dues, 25.00, tests.fx_day(1, 1));
    perform tests.fx_subscribe(v_d, v_dues, tests.fx_day(1, 1));
    perform api.charge_add(v_d, v_other, 5.00, 'badge', tests.fx_day(1, 10));
    perform tests.fx_pay(v_d, 40);
    v_members := array[v_a, v_b, v_c, v_d, v_e];
    insert into dues.collect_run (run_at, started_at) values (v_at, clock_timestamp()) returning id into v_run;

    begin
        v_counts := dues.collect_batch(v_members, v_today, v_horizon, v_at, v_run);
        v_set := tests.collect_batch_state(v_members);
        raise exception 'undone' using errcode = 'P0001';
    exception when sqlstate 'P0001' then
        null;
    end;
    return next is(tests.collect_batch_state(v_members) -> 'invoices', 'null'::jsonb, 'the batch was undone');

    foreach v_member in array v_members loop
        for v_key, v_one in select * from jsonb_each(dues.collect_batch(array[v_member], v_today, v_horizon, v_at, v_run)) loop
            v_sum := v_sum || jsonb_build_object(v_key, coalesce((v_sum ->> v_key)::int, 0) + v_one::text::int);
        end loop;
    end loop;
    v_one := tests.collect_batch_state(v_members);

    return next is(v_set -> 'invoices', v_one -> 'invoices',
                   'the same invoices (numbers, totals, dates, settled) with the same lines as member by member');
    return next is(v_set - 'invoices', v_one - 'invoices',
                   'the same billed_until, discount uses, mails, standing and ledger balances');
    return next is(v_counts, v_sum, 'the same counts');
    return next is(jsonb_array_length(v_set -> 'invoices'), 6, 'four members invoiced, two of them by two providers');
end
$$;

create or replace function tests.test_collect_batch__raises_when_a_member_fails()
returns setof text
language plpgsql
as $$
declare
    v_orphan bigint := tests.fx_class('recurring', '{"period": "month", "amount": "10.00", "renewal": "auto_renew"}');
    v_fine   bigint := tests.fx_member('Fine');
    v_broken bigint := tests.fx_member('No Provider');
    v_run    bigint;
begin
    perform tests.fx_subscribe(v_fine, tests.fx_recurring_class(), tests.fx_day(1, 1));
    perform tests.fx_subscribe(v_broken, v_orphan, tests.fx_day(1, 1));
    update dues.provider set broker = false where broker;
    insert into dues.collect_run (run_at, started_at) values (now(), clock_timestamp()) returning id into v_run;
    return next throws_ok(format('select dues.collect_batch(%L, %L, %L, now(), %s)', array[v_fine, v_broken],
                                 tests.fx_day(1, 1), tests.fx_day(1, 15), v_run),
                          'DUB14', null, 'a class without provider fails the batch');
    return next throws_ok(format('select dues.collect_batch(%L, %L, %L, now(), %s)', array[v_fine, -1],
                                 tests.fx_day(1, 1), tests.fx_day(1, 15), v_run),
                          'DU001', null, 'an unknown member fails the batch');
    return next is(tests.fx_invoice_ids(v_fine), '{}'::bigint[], 'nothing was left behind');
end
$$;

-- A draft invoice with one charge line, as the collector makes them (but not issued).
create or replace function tests.collect_batch_draft(p_member_id bigint, p_class_id bigint)
returns bigint
language plpgsql
as $$
declare
    v_charge  dues.charge := api.charge_add(p_member_id, p_class_id, 5.00, 'fee', tests.fx_day(1, 1));
    v_invoice bigint;
begin
    insert into dues.invoice (member_id, provider_id, currency)
    values (p_member_id, dues.class_provider(p_class_id), v_charge.currency)
    returning id into v_invoice;
    insert into dues.invoice_line (invoice_id, kind, class_id, charge_id, description, due_date, amount)
    values (v_invoice, v_charge.kind, p_class_id, v_charge.id, v_charge.description, v_charge.due_date, v_charge.amount);
    return v_invoice;
end
$$;

-- dues.invoices_issue: several drafts issued together, numbered in the order given.
create or replace function tests.test_invoices_issue__numbers_in_the_order_given_and_refuses_what_is_not_a_draft()
returns setof text
language plpgsql
as $$
declare
    v_class   bigint := tests.fx_recurring_class();
    v_a       bigint := tests.fx_member();
    v_b       bigint := tests.fx_member();
    v_drafts  bigint[];
begin
    perform tests.fx_subscribe(v_a, v_class, tests.fx_day(1, 1));
    perform tests.fx_subscribe(v_b, v_class, tests.fx_day(1, 1));
    v_drafts := array[tests.collect_batch_draft(v_a, v_class), tests.collect_batch_draft(v_b, v_class)];
    return next throws_ok(format('select dues.invoices_issue(%L, %L)', v_drafts || (-1)::bigint, tests.fx_day(1, 1)),
                          'DUB01', null, 'an unknown invoice: nothing issued');
    return next is(dues.invoices_issue(v_drafts, tests.fx_day(1, 1)), 2, 'two issued');
    return next is((select array_agg(number_seq order by array_position(v_drafts, id)) from dues.invoice where id = any (v_drafts)),
                   '{1,2}'::int[], 'numbered 1 and 2 in the order given');
    return next throws_ok(format('select dues.invoices_issue(%L, %L)', v_drafts, tests.fx_day(1, 1)),
                          'DUB11', null, 'an open invoice is not issued again');
    return next is(dues.invoices_issue('{}', tests.fx_day(1, 1)), 0, 'none: nothing to do');
end
$$;

-- The batch's one ledger transaction: one posting per member's receivable, one revenue posting per class; a member's
-- statement and the journal still name each member's invoice on its receivable posting.
create or replace function tests.test_collect_batch__one_ledger_transaction_whose_receivable_postings_name_their_invoices()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class();
    v_a      bigint := tests.fx_member();
    v_b      bigint := tests.fx_member();
    v_tx     bigint;
begin
    perform tests.fx_subscribe(v_a, v_class, tests.fx_day(1, 1));
    perform tests.fx_subscribe(v_b, v_class, tests.fx_day(1, 1));
    perform tests.fx_collect(tests.fx_day(1, 1));
    v_tx := (select issue_transaction_id from dues.invoice where member_id = v_a);
    return next is((select array_agg(distinct issue_transaction_id) from dues.invoice where member_id in (v_a, v_b)), array[v_tx],
                   'both invoices were issued by one ledger transaction');
    return next is((select count(*)::int from dues.ledger_posting p join dues.ledger_account a on a.id = p.account_id
                     where p.transaction_id = v_tx and a.class_id = v_class), 1, 'with one revenue posting for the class');
    return next is((select sum(p.amount) from dues.ledger_posting p join dues.ledger_account a on a.id = p.account_id
                     where p.transaction_id = v_tx and a.class_id = v_class), 60.00::numeric, 'of both invoices'' lines');
    return next is((select invoice_number from api.member_statement(v_b) where kind = 'invoice'),
                   (select number from dues.invoice where member_id = v_b), 'the member''s statement names its own invoice');
    return next is((select invoice_number from api.export_journal() where transaction_id = v_tx and member_id = v_a),
                   (select number from dues.invoice where member_id = v_a), 'and so does the journal, on its receivable posting');
end
$$;
