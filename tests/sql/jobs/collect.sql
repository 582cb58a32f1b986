-- Tests of the collector, jobs.collect(now): what one run does, that a second run for the same now changes nothing,
-- the lead time, one invoice per member and provider, reminders once, errors recorded without stopping the run.

create or replace function tests.test_collect__a_second_run_for_the_same_now_changes_nothing()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class('{"period": "month", "amount": "30.00", "renewal": "auto_renew", "setup_fee": "9.00"}');
    v_member bigint := tests.fx_member();
    v_first  jsonb;
    v_second jsonb;
    v_before jsonb;
begin
    perform tests.fx_subscribe(v_member, v_class, tests.fx_day(1, 1));
    perform tests.fx_collect(tests.fx_day(1, 1));
    perform tests.fx_pay(v_member, 5);
    v_first := tests.fx_collect(tests.fx_day(4, 20));
    return next is(v_first - 'run_id', jsonb_build_object(
                       'members', 1, 'invoices', 1, 'lines', 4, 'renewals', 4, 'ended', 0, 'settlements', 0, 'reminders', 1,
                       'standing_changes', 1, 'errors', 0, 'now', (tests.fx_day(4, 20) + time '12:00') at time zone 'UTC',
                       'day', tests.fx_day(4, 20), 'horizon', tests.fx_day(5, 4), 'more', false),
                   'the first run invoices February to May, reminds of January and records the member suspended');
    v_before := tests.fx_state() - 'collect_run';
    v_second := tests.fx_collect(tests.fx_day(4, 20));
    return next is(v_second - 'run_id' - 'members', v_first - 'run_id' - 'members'
                   || '{"invoices": 0, "lines": 0, "renewals": 0, "settlements": 0, "reminders": 0, "standing_changes": 0}',
                   'the second run for the same now finds nothing to do');
    return next is(tests.fx_state() - 'collect_run', v_before, 'and changes nothing but its own record');
end
$$;

create or replace function tests.test_collect__records_each_run()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_result jsonb;
begin
    perform tests.fx_subscribe(v_member, tests.fx_recurring_class(), tests.fx_day(1, 1));
    v_result := tests.fx_collect(tests.fx_day(1, 1));
    return next is((select (run_at, invoices, lines, renewals, errors, finished_at >= started_at)
                      from dues.collect_run where id = (v_result ->> 'run_id')::bigint),
                   ((tests.fx_day(1, 1) + time '12:00') at time zone 'UTC', 1, 1, 1, 0, true),
                   'the run is recorded with its now, its counts, when it started and ended');
    return next is((select collect_run_id from dues.invoice where member_id = v_member), (v_result ->> 'run_id')::bigint,
                   'the invoice names the run that issued it');
end
$$;

create or replace function tests.test_collect__issues_invoices_ahead_by_the_lead_time()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_other  bigint := tests.fx_member();
    v_class  bigint := tests.fx_recurring_class();
begin
    perform tests.fx_subscribe(v_member, v_class, tests.fx_day(3, 1));
    perform tests.fx_collect(tests.fx_day(2, 14));
    return next is(tests.fx_invoice_ids(v_member), '{}'::bigint[], 'fifteen days before the period nothing is issued');
    perform tests.fx_collect(tests.fx_day(2, 15));
    return next is(cardinality(tests.fx_invoice_ids(v_member)), 1, 'fourteen days before, the invoice is issued');
    return next is((select due_date from dues.invoice where member_id = v_member), tests.fx_day(3, 1), 'due on the first day of the period');

    update dues.setting set value = '3' where name = 'invoice_lead_days';
    perform tests.fx_subscribe(v_other, v_class, tests.fx_day(3, 1));
    perform tests.fx_collect(tests.fx_day(2, 25));
    return next is(tests.fx_invoice_ids(v_other), '{}'::bigint[], 'with a lead time of 3 days, nothing four days before');
    perform tests.fx_collect(tests.fx_day(2, 26));
    return next is(cardinality(tests.fx_invoice_ids(v_other)), 1, 'and the invoice three days before');
end
$$;

create or replace function tests.test_collect__one_invoice_per_member_and_provider_per_run()
returns setof text
language plpgsql
as $$
declare
    v_provider bigint := tests.fx_provider();
    v_hosting  bigint := tests.fx_recurring_class('{"period": "month", "amount": "30.00", "renewal": "auto_renew"}', v_provider);
    v_mail     bigint := tests.fx_recurring_class('{"period": "month", "amount": "4.50", "renewal": "auto_renew", "setup_fee": "2.00"}', v_provider);
    v_other    bigint := tests.fx_recurring_class('{"period": "year", "amount": "100.00", "renewal": "auto_renew"}');
    v_member   bigint := tests.fx_member();
    v_so       bigint;
begin
    v_so := (api.service_order_create(v_member, 'campaign')).id;
    perform tests.fx_subscribe(v_member, v_hosting, tests.fx_day(1, 1));
    perform tests.fx_subscribe(v_member, v_hosting, tests.fx_day(1, 10), jsonb_build_object('service_order_id', v_so));
    perform tests.fx_subscribe(v_member, v_mail, tests.fx_day(1, 5));
    perform tests.fx_subscribe(v_member, v_other, tests.fx_day(1, 1));
    perform tests.fx_collect(tests.fx_day(1, 1));
    return next is((select array_agg(provider_id = v_provider order by provider_id = v_provider) from dues.invoice where member_id = v_member),
                   '{f,t}'::boolean[], 'one invoice per provider');
    return next is((select array_agg(l.description || ': ' || l.amount order by l.id) from dues.invoice_line l
                      join dues.invoice i on i.id = l.invoice_id where i.member_id = v_member and i.provider_id = v_provider),
                   (select array_agg(x order by n) from unnest(array[
                        format('%s, %s to %s: 30.00', (select title from dues.class where id = v_hosting), tests.fx_day(1, 1), tests.fx_day(1, 31)),
                        format('%s, %s to %s: 30.00', (select title from dues.class where id = v_hosting), tests.fx_day(1, 10), tests.fx_day(2, 9)),
                        format('%s, %s to %s: 4.50', (select title from dues.class where id = v_mail), tests.fx_day(1, 5), tests.fx_day(2, 4)),
                        format('Setup fee: %s: 2.00', (select title from dues.class where id = v_mail))]) with ordinality as t(x, n)),
                   'the provider''s invoice gathers every line falling due: both hosting orders, the mailbox and its setup fee');
    return next is((select total from dues.invoice where member_id = v_member and provider_id = v_provider), 66.50::numeric(14,2),
                   'its total is the sum of its lines');
    return next is((select due_date from dues.invoice where member_id = v_member and provider_id = v_provider), tests.fx_day(1, 1),
                   'due on its earliest line''s due date');
end
$$;

create or replace function tests.test_collect__never_bills_a_period_twice()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_sub    bigint;
    v_line   dues.invoice_line;
begin
    v_sub := tests.fx_subscribe(v_member, tests.fx_recurring_class(), tests.fx_day(1, 1));
    perform tests.fx_collect(tests.fx_day(1, 1));
    -- even if its billing state were set back, the unique index would refuse the same period again
    update dues.recurring_subscription set billed_until = null where class_subscription_id = v_sub;
    perform tests.fx_collect(tests.fx_day(1, 2));
    return next is(cardinality(tests.fx_invoice_ids(v_member)), 1, 'a period already billed is skipped');
    select * into v_line from dues.invoice_line where class_subscription_id = v_sub;
    return next throws_ok(format($q$insert into dues.invoice_line (invoice_id, kind, class_id, class_subscription_id, description, period_of,
                                    period_start, period_end, due_date, amount, period_amount)
                                    values (%s, 'period', %s, %s, 'again', %L, %L, %L, %L, 30, 30)$q$,
                                 v_line.invoice_id, v_line.class_id, v_sub, v_line.period_of, v_line.period_start, v_line.period_end,
                                 v_line.due_date),
                          '23505', null, 'a second line for the same subscription period violates invoice_line_period_key');
end
$$;

create or replace function tests.test_collect__reminds_once_per_offset()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_email  text;
    v_id     bigint;
begin
    v_email := (select email from dues.member where id = v_member);
    perform tests.fx_subscribe(v_member, tests.fx_recurring_class('{"period": "year", "amount": "60.00", "renewal": "auto_renew"}'),
                               tests.fx_day(1, 1));
    perform tests.fx_collect(tests.fx_day(1, 1));
    v_id := (tests.fx_invoice_ids(v_member))[1];
    perform tests.fx_collect(tests.fx_day(1, 7));
    return next is((select count(*)::int from dues.invoice_reminder where invoice_id = v_id), 0, 'six days late: no reminder');
    perform tests.fx_collect(tests.fx_day(1, 8));
    perform tests.fx_collect(tests.fx_day(1, 9));
    perform tests.fx_collect(tests.fx_day(1, 9));
    return next is((select array_agg((offset_days, outbox_id is not null)::text order by offset_days) from dues.invoice_reminder where invoice_id = v_id),
                   '{"(7,t)"}'::text[], 'the seven-day reminder is queued once, however often the collector runs');
    return next is((select data ->> 'days_late' from tests.fx_outbox('invoice_reminder', v_email)), '7', 'it says how late the invoice is');
    update dues.setting set value = '7, 14, 30' where name = 'reminder_days';
    perform tests.fx_collect(tests.fx_day(2, 5));
    return next is((select array_agg((offset_days, outbox_id is not null)::text order by offset_days) from dues.invoice_reminder where invoice_id = v_id),
                   '{"(7,t)","(14,f)","(30,t)"}'::text[],
                   'a run that finds two offsets passed queues only the later and records the earlier as passed over');
    return next is((select count(*)::int from tests.fx_outbox('invoice_reminder', v_email)), 2, 'two reminders were queued in all');
    perform tests.fx_pay(v_member, 60);
    perform tests.fx_collect(tests.fx_day(3, 5));
    return next is((select count(*)::int from tests.fx_outbox('invoice_reminder', v_email)), 2, 'a paid invoice is not reminded');
end
$$;

create or replace function tests.test_collect__sends_to_the_billing_contact()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
begin
    perform api.contact_add(v_member, 'billing', 'Accounts', 'accounts@example.org');
    perform tests.fx_subscribe(v_member, tests.fx_recurring_class(), tests.fx_day(1, 1));
    perform tests.fx_collect(tests.fx_day(1, 1));
    return next is((select count(*)::int from tests.fx_outbox('invoice_issued', 'accounts@example.org')
                     where (data ->> 'member_id')::bigint = v_member), 1,
                   'the invoice goes to the billing contact');
    return next is((select data ->> 'total' from tests.fx_outbox('invoice_issued', 'accounts@example.org')
                     where (data ->> 'member_id')::bigint = v_member), '30.00', 'with its total');
end
$$;

create or replace function tests.test_collect__records_a_failing_member_and_goes_on()
returns setof text
language plpgsql
as $$
declare
    v_orphan  bigint := tests.fx_class('recurring', '{"period": "month", "amount": "10.00", "renewal": "auto_renew"}');
    v_broken  bigint := tests.fx_member('No Provider');
    v_fine    bigint := tests.fx_member('Fine');
    v_result  jsonb;
begin
    -- a class without provider while no broker is registered (in this test's view) cannot be invoiced
    perform tests.fx_subscribe(v_broken, v_orphan, tests.fx_day(1, 1));
    perform tests.fx_subscribe(v_fine, tests.fx_recurring_class(), tests.fx_day(1, 1));
    update dues.provider set broker = false where broker;
    v_result := tests.fx_collect(tests.fx_day(1, 1));
    return next is((v_result ->> 'errors')::int, 1, 'one member failed');
    return next is((select (member_id, sqlstate) from dues.collect_error where collect_run_id = (v_result ->> 'run_id')::bigint),
                   (v_broken, 'DUB14'::text), 'its error is recorded with its code');
    return next is(tests.fx_invoice_ids(v_broken), '{}'::bigint[], 'its work was rolled back (no invoice number taken)');
    return next is(cardinality(tests.fx_invoice_ids(v_fine)), 1, 'the other member was invoiced');
end
$$;

create or replace function tests.test_collect__bills_classes_without_provider_to_the_broker()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_class('recurring', '{"period": "month", "amount": "10.00", "renewal": "auto_renew"}');
    v_member bigint := tests.fx_member();
    v_broker bigint;
begin
    update dues.provider set broker = false where broker;
    v_broker := tests.fx_provider(true);
    perform tests.fx_subscribe(v_member, v_class, tests.fx_day(1, 1));
    perform tests.fx_collect(tests.fx_day(1, 1));
    return next is((select provider_id from dues.invoice where member_id = v_member), v_broker,
                   'a class that names no provider is invoiced by the broker');
end
$$;

-- jobs.collect in batches: one transaction per collect_batch_size members, the run going on across calls.

create or replace function tests.test_collect_batches__a_run_goes_on_across_calls_until_done()
returns setof text
language plpgsql
as $$
declare
    v_class   bigint := tests.fx_recurring_class();
    v_members bigint[] := array[tests.fx_member(), tests.fx_member(), tests.fx_member()];
    v_member  bigint;
    v_calls   jsonb[] := '{}';
begin
    foreach v_member in array v_members loop
        perform tests.fx_subscribe(v_member, v_class, tests.fx_day(1, 1));
    end loop;
    update dues.setting set value = '2' where name = 'collect_batch_size';
    v_calls := v_calls || tests.fx_collect(tests.fx_day(1, 1));
    v_calls := v_calls || tests.fx_collect(tests.fx_day(1, 1));
    return next is(v_calls[1] ->> 'more', 'true', 'two of three members done: more to do');
    return next is(v_calls[1] ->> 'members', '2', 'the first call visits a batch of two');
    return next is(v_calls[2] ->> 'more', 'false', 'the second call finishes the run');
    return next is(v_calls[2] ->> 'members', '1', 'and visits the third member');
    return next is(v_calls[2] ->> 'run_id', v_calls[1] ->> 'run_id', 'both calls belong to one run');
    return next is((select array[members, invoices, batches] from dues.collect_run where id = (v_calls[1] ->> 'run_id')::bigint),
                   array[3, 3, 2], 'the run records what all its batches did');
    return next ok((select finished_at is not null from dues.collect_run where id = (v_calls[1] ->> 'run_id')::bigint),
                   'and is finished');
    return next is((select count(*) from dues.collect_queue), 0::bigint, 'nothing is left queued');
    return next is((tests.fx_collect(tests.fx_day(1, 1)) ->> 'invoices')::int, 0, 'a new run for the same now bills nothing again');
end
$$;

-- A new database bills a recurring class with nothing set up but the class and the subscription: the site's organization,
-- made at the first migration from settings site_name and site_email, is the broker that invoices it.
create or replace function tests.test_collect__a_new_database_bills_without_set_up()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := (api.class_create('Membership', 'recurring', '{"period": "month", "amount": "30.00", "renewal": "auto_renew"}')).id;
    v_member bigint := tests.fx_member();
    v_result jsonb;
begin
    perform tests.fx_subscribe(v_member, v_class, tests.fx_day(1, 1));
    v_result := tests.fx_collect(tests.fx_day(1, 1));
    return next is((v_result ->> 'errors')::int, 0, 'the run had no error');
    return next is((select (m.kind, m.email) from dues.invoice i join dues.member m on m.id = i.provider_id where i.member_id = v_member),
                   ('organization'::text, dues.setting_text('site_email')), 'the member is invoiced by the site''s organization');
    return next is(tests.fx_invoice_totals(v_member), array[30.00]::numeric[], 'for the period');
end
$$;

-- The batch set-based: a member whose work fails is rolled back alone (the batch is redone member by member), and
-- invoice numbers stay gapless per provider and year, within a batch and across batches.
create or replace function tests.test_collect_batches__a_failing_member_is_rolled_back_alone_and_numbers_stay_gapless()
returns setof text
language plpgsql
as $$
declare
    v_orphan   bigint := tests.fx_class('recurring', '{"period": "month", "amount": "10.00", "renewal": "auto_renew"}');
    v_class    bigint := tests.fx_recurring_class();
    v_provider bigint := (select provider_id from dues.class where id = v_class);
    v_first    bigint := tests.fx_member('First');
    v_broken   bigint := tests.fx_member('No Provider');
    v_last     bigint := tests.fx_member('Last');
    v_result   jsonb;
begin
    perform tests.fx_subscribe(v_first, v_class, tests.fx_day(1, 1));
    perform tests.fx_subscribe(v_broken, v_class, tests.fx_day(1, 1));
    perform tests.fx_subscribe(v_broken, v_orphan, tests.fx_day(1, 1));
    perform tests.fx_subscribe(v_last, v_class, tests.fx_day(1, 1));
    update dues.provider set broker = false where broker;
    v_result := tests.fx_collect(tests.fx_day(1, 1));
    return next is(array[(v_result ->> 'members')::int, (v_result ->> 'invoices')::int, (v_result ->> 'errors')::int],
                   array[2, 2, 1], 'the batch of three: two members invoiced, one failed');
    return next is((select array_agg((member_id, sqlstate)::text) from dues.collect_error where collect_run_id = (v_result ->> 'run_id')::bigint),
                   array[(v_broken, 'DUB14')::text], 'the failing member is recorded with its code');
    return next is(tests.fx_invoice_ids(v_broken), '{}'::bigint[], 'and has no invoice, not even for the class that has a provider');
    return next is((select array_agg(number_seq order by member_id) from dues.invoice where provider_id = v_provider),
                   '{1,2}'::int[], 'the others are numbered 1 and 2: no number lost to the failed member');
    return next is((select last_number from dues.invoice_counter where provider_id = v_provider
                       and year = extract(year from tests.fx_day(1, 1))), 2, 'the counter gave back what the failed batch took');
end
$$;

create or replace function tests.test_collect_batches__numbers_are_gapless_per_provider_and_year_across_batches()
returns setof text
language plpgsql
as $$
declare
    v_one     bigint := tests.fx_recurring_class();
    v_two     bigint := tests.fx_recurring_class('{"period": "month", "amount": "5.00", "renewal": "auto_renew"}');
    v_members bigint[] := array[tests.fx_member(), tests.fx_member(), tests.fx_member(), tests.fx_member(), tests.fx_member()];
    v_member  bigint;
    v_result  jsonb;
begin
    foreach v_member in array v_members loop
        perform tests.fx_subscribe(v_member, v_one, tests.fx_day(1, 1));
    end loop;
    perform tests.fx_subscribe(v_members[2], v_two, tests.fx_day(1, 1));
    perform tests.fx_subscribe(v_members[5], v_two, tests.fx_day(1, 1));
    update dues.setting set value = '2' where name = 'collect_batch_size';
    loop
        v_result := tests.fx_collect(tests.fx_day(12, 20, -1));
        exit when (v_result ->> 'more')::boolean is not true;
    end loop;
    -- a year later too: numbering starts again at 1 for the new year
    loop
        v_result := tests.fx_collect(tests.fx_day(12, 20));
        exit when (v_result ->> 'more')::boolean is not true;
    end loop;
    return next is((select array_agg(i.number_seq order by i.number_seq) from dues.invoice i join dues.class c on c.provider_id = i.provider_id
                     where c.id = v_one and i.number_year = extract(year from tests.fx_day(12, 20, -1))),
                   '{1,2,3,4,5}'::int[], 'the first provider''s invoices of the year are 1 to 5 over three batches');
    return next is((select array_agg(i.member_id order by i.number_seq) from dues.invoice i join dues.class c on c.provider_id = i.provider_id
                     where c.id = v_one and i.number_year = extract(year from tests.fx_day(12, 20, -1))),
                   v_members, 'in the collector''s order');
    return next is((select array_agg(i.number_seq order by i.number_seq) from dues.invoice i join dues.class c on c.provider_id = i.provider_id
                     where c.id = v_two and i.number_year = extract(year from tests.fx_day(12, 20, -1))),
                   '{1,2}'::int[], 'the second provider counts its own: 1 and 2');
    return next is((select array_agg(i.number_seq order by i.number_seq) from dues.invoice i join dues.class c on c.provider_id = i.provider_id
                     where c.id = v_one and i.number_year = extract(year from tests.fx_day(12, 20))),
                   '{1,2,3,4,5}'::int[], 'the next year starts at 1 again');
end
$$;
