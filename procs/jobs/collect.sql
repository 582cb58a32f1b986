-- The collector: bills, collects, reminds and watches every member with something to bill, collect, remind or watch
-- (masters and unlinked members first, then linked members, who follow their master's standing), in batches: the first
-- call of a run queues its members, each call visits the next collect_batch_size of them and says whether more remain
-- ("more": true); `dues jobs run` and `dues worker` call again until none do. A batch is done set-based
-- (dues.collect_batch) in one sub-transaction; when it fails, it is rolled back and redone member by member
-- (dues.collect_batch of that member alone): a member that fails is rolled back alone and recorded in
-- dues.collect_error; the run goes on.
-- The run is recorded in dues.collect_run.
create or replace function jobs.collect(p_now timestamptz)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
    v_today   date := dues.local_date(p_now);
    v_horizon date := dues.local_date(p_now) + dues.setting_int('invoice_lead_days', 14);
    v_batch   int  := greatest(dues.setting_int('collect_batch_size', 500), 1);
    v_run     dues.collect_run;
    v_member  bigint;
    v_members bigint[];
    v_results jsonb[] := array[]::jsonb[];
    v_totals  jsonb := '{"members": 0, "invoices": 0, "lines": 0, "renewals": 0, "ended": 0, "settlements": 0,
                         "reminders": 0, "standing_changes": 0, "errors": 0}'::jsonb;
    v_state   text;
    v_message text;
    v_more    boolean;
begin
    perform dues.require_argument('now', p_now is null);
    -- one collector at a time: a second one waits, then goes on with the same run
    perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('dues.jobs.collect'));

    select * into v_run from dues.collect_run r
     where r.run_at = p_now and r.finished_at is null
     order by r.id
     limit 1;
    if not found then
        insert into dues.collect_run (run_at, started_at)
        values (p_now, pg_catalog.clock_timestamp())
        returning * into v_run;
        -- masters before the members linked to them, then by id
        insert into dues.collect_queue (run_id, seq, member_id)
        select v_run.id, pg_catalog.row_number() over (order by x.linked, x.member_id), x.member_id
          from (select m.member_id,
                       exists (select from dues.member_link l
                                where l.member_id = m.member_id and l.unlinked_at is null) as linked
                  from (select r.member_id from dues.recurring_subscription r
                        union select i.member_id from dues.invoice i where i.status in ('draft', 'open')
                        union select c.member_id from dues.charge c
                        union select s.member_id from dues.member_standing s
                        union select l.member_id from dues.member_link l where l.unlinked_at is null) m) x;
    end if;

    -- the run's tables grow as it goes: their statistics are refreshed when they have grown a lot since last analyzed
    perform dues.collect_analyze();

    with taken as (
        delete from dues.collect_queue q
         where q.run_id = v_run.id
           and q.seq in (select q2.seq from dues.collect_queue q2
                          where q2.run_id = v_run.id order by q2.seq limit v_batch)
        returning q.seq, q.member_id
    )
    select coalesce(pg_catalog.array_agg(t.member_id order by t.seq), array[]::bigint[]) into v_members from taken t;

    -- the batch set-based, in one sub-transaction; when it fails, redone member by member. Each outcome's counts go
    -- into v_results, summed into the totals once below
    begin
        v_results := array[dues.collect_batch(v_members, v_today, v_horizon, p_now, v_run.id)];
    exception when others then
        -- in the server's log: a batch that fails while each of its members alone succeeds is a fault of the batch
        get stacked diagnostics v_state = returned_sqlstate, v_message = message_text;
        raise log 'collector run %: a batch of % members failed (% %); redone member by member',
                  v_run.id, pg_catalog.cardinality(v_members), v_state, v_message;
        foreach v_member in array v_members loop
            begin
                v_results := v_results || dues.collect_batch(array[v_member], v_today, v_horizon, p_now, v_run.id);
            exception when others then
                get stacked diagnostics v_state = returned_sqlstate, v_message = message_text;
                insert into dues.collect_error (collect_run_id, member_id, sqlstate, message)
                values (v_run.id, v_member, v_state, v_message);
                v_results := v_results || '{"errors": 1}'::jsonb;
            end;
        end loop;
    end;
    select pg_catalog.jsonb_object_agg(t.key, t.value::int + coalesce((select pg_catalog.sum((r ->> t.key)::int)
                                                                         from pg_catalog.unnest(v_results) r), 0))
      into v_totals
      from pg_catalog.jsonb_each_text(v_totals) t;

    v_more := exists (select from dues.collect_queue q where q.run_id = v_run.id);
    update dues.collect_run r
       set finished_at = case when v_more then null else pg_catalog.clock_timestamp() end,
           batches = r.batches + 1,
           members = r.members + (v_totals ->> 'members')::int,
           invoices = r.invoices + (v_totals ->> 'invoices')::int,
           lines = r.lines + (v_totals ->> 'lines')::int,
           renewals = r.renewals + (v_totals ->> 'renewals')::int,
           ended = r.ended + (v_totals ->> 'ended')::int,
           settlements = r.settlements + (v_totals ->> 'settlements')::int,
           reminders = r.reminders + (v_totals ->> 'reminders')::int,
           standing_changes = r.standing_changes + (v_totals ->> 'standing_changes')::int,
           errors = r.errors + (v_totals ->> 'errors')::int
     where r.id = v_run.id;
    return v_totals || pg_catalog.jsonb_build_object('run_id', v_run.id, 'now', p_now, 'day', v_today,
                                                     'horizon', v_horizon, 'more', v_more);
end
$$;

comment on function jobs.collect(timestamptz) is
    'The collector (dues jobs run collect): invoices recurring subscriptions and charges falling due within invoice_lead_days, '
    'settles invoices from credit, queues reminders at reminder_days after the due date, updates standing. Works in batches of '
    'collect_batch_size members, one transaction each: a call answers "more": true while members remain, and the next call for '
    'the same now goes on with the same run. Recorded in dues.collect_run.';
