-- Everything the collector does for one member, under the member's lock; returns the counts.
create or replace function dues.member_collect(p_member_id bigint, p_today date, p_horizon date, p_at timestamptz, p_run_id bigint)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
    v_periods     record;
    v_lines       int := 0;
    v_renewals    int := 0;
    v_ended       int := 0;
    v_invoices    bigint[] := array[]::bigint[];
    v_invoice     bigint;
    v_currency    char(3);
    v_settlements int := 0;
    v_reminders   int := 0;
begin
    perform dues.member_lock(p_member_id);
    if dues.member_master(p_member_id) is null then
        select * into v_periods from dues.member_bill_periods(p_member_id, p_horizon, p_run_id);
        v_lines := v_periods.lines + dues.member_bill_charges(p_member_id, p_horizon, p_run_id);
        v_renewals := v_periods.renewals;
        v_ended := v_periods.ended;

        for v_invoice in
            select i.id from dues.invoice i
             where i.member_id = p_member_id and i.status = 'draft' and i.collect_run_id = p_run_id
             order by i.provider_id, i.currency, i.id
        loop
            perform dues.invoice_issue(v_invoice, p_today);
            v_invoices := v_invoices || v_invoice;
        end loop;

        for v_currency in
            select distinct i.currency from dues.invoice i where i.member_id = p_member_id and i.status = 'open' order by 1
        loop
            v_settlements := v_settlements + dues.member_settle(p_member_id, v_currency, p_today);
        end loop;

        foreach v_invoice in array v_invoices loop
            perform dues.invoice_notify(v_invoice, p_at);
        end loop;

        v_reminders := dues.member_remind(p_member_id, p_today, p_at);
    end if;

    return pg_catalog.jsonb_build_object(
        'invoices', pg_catalog.cardinality(v_invoices),
        'lines', v_lines,
        'renewals', v_renewals,
        'ended', v_ended,
        'settlements', v_settlements,
        'reminders', v_reminders,
        'standing_changes', dues.member_standing_update(p_member_id, p_today, p_at, p_run_id));
end
$$;
