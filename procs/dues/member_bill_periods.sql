-- Bills a member's recurring subscriptions: one line per period (or the piece of it the subscription covers) not billed yet
-- whose first day is on or before the horizon, at the member's period amount for that period (its paused days left out),
-- into the run's draft invoices.
-- Advances billed_until (the auto-renewal horizon) over the periods billed or free.
create or replace function dues.member_bill_periods(p_member_id bigint, p_horizon date, p_run_id bigint,
                                                    out lines int, out renewals int, out ended int)
language plpgsql
set search_path = ''
as $$
declare
    v_sub   dues.recurring_subscription;
    v_terms dues.recurring_terms;
    v_title text;
    v_k     int;
    v_start date;
    v_end   date;
    v_from  date;
    v_to    date;
    v_amount numeric;
    v_piece numeric;
    v_until date;
begin
    lines := 0;
    renewals := 0;
    ended := 0;
    for v_sub in
        select r.*
          from dues.recurring_subscription r
         where r.member_id = p_member_id
           and (r.end_date is null or r.billed_until is null or r.billed_until < r.end_date)
         order by r.class_subscription_id
    loop
        v_terms := dues.recurring_terms(v_sub.class_id);
        select c.title into strict v_title from dues.class c where c.id = v_sub.class_id;
        v_until := v_sub.billed_until;
        v_k := dues.period_index(v_sub.anchor_date, v_terms.period, v_terms.period_count, coalesce(v_until + 1, v_sub.start_date));
        loop
            v_start := dues.period_start(v_sub.anchor_date, v_terms.period, v_terms.period_count, v_k);
            v_end := dues.period_start(v_sub.anchor_date, v_terms.period, v_terms.period_count, v_k + 1) - 1;
            v_from := greatest(v_start, v_sub.start_date);
            exit when v_from > v_sub.end_date or v_from > p_horizon;
            v_to := least(v_end, coalesce(v_sub.end_date, v_end));
            if not exists (select from dues.invoice_line l
                            where l.class_subscription_id = v_sub.class_subscription_id and l.period_of = v_start
                              and l.kind = 'period' and not l.void) then
                v_amount := dues.period_amount(p_member_id, v_sub.class_id, v_start);
                v_piece := dues.period_piece_billable(v_sub.class_subscription_id, v_amount, v_terms.currency, v_start, v_end, v_from, v_to);
                if v_piece > 0 then
                    insert into dues.invoice_line (invoice_id, kind, class_id, class_subscription_id, description,
                                                   period_of, period_start, period_end, due_date, amount, period_amount)
                    values (dues.invoice_draft(p_member_id, dues.class_provider(v_sub.class_id), v_terms.currency, p_run_id),
                            'period', v_sub.class_id, v_sub.class_subscription_id,
                            pg_catalog.format('%s, %s to %s', v_title, v_from, v_to)
                                || dues.recurring_subscription_paused_days(v_sub.class_subscription_id, v_from, v_to),
                            v_start, v_from, v_to, v_from, v_piece, v_amount);
                    perform dues.discount_line(v_sub.class_subscription_id, v_start);
                    lines := lines + 1;
                end if;
                if v_terms.renewal = 'auto_renew' and v_to > coalesce(v_sub.billed_until, v_sub.start_date - 1) then
                    renewals := renewals + 1;
                end if;
            end if;
            v_until := greatest(v_to, v_until);
            v_k := v_k + 1;
        end loop;
        if v_until is distinct from v_sub.billed_until then
            update dues.recurring_subscription r set billed_until = v_until where r.class_subscription_id = v_sub.class_subscription_id;
            if v_until >= v_sub.end_date then
                ended := ended + 1;
            end if;
        end if;
    end loop;
end
$$;
