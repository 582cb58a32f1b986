-- Ends a recurring subscription on a day (its last day covered): invoiced days after it are credited back to the member
-- (exactly the part of each period's amount they cost), the credit settles open invoices, and the group memberships
-- the subscription gave end with it. Returns the subscription.
create or replace function dues.recurring_subscription_end(p_sub dues.recurring_subscription, p_end date, p_on date)
returns dues.recurring_subscription
language plpgsql
set search_path = ''
as $$
declare
    v_sub      dues.recurring_subscription;
    v_line     record;
    v_credit   numeric;
    v_tx       bigint;
    v_currency char(3);
begin
    select c.currency into strict v_currency from dues.class c where c.id = p_sub.class_id;
    for v_line in
        select l.*, i.member_id
          from dues.invoice_line l
          join dues.invoice i on i.id = l.invoice_id
         where l.class_subscription_id = p_sub.class_subscription_id and l.kind = 'period' and not l.void
           and i.status not in ('void', 'uncollectible')  -- a written-off line was never paid: nothing to give back
           and l.period_end > p_end
         order by l.period_start
    loop
        -- what the days after the end cost, its paused days (never billed, or credited by the pause) left out
        v_credit := dues.period_piece_billable(p_sub.class_subscription_id, v_line.period_amount, v_currency, v_line.period_of,
                                               dues.period_start(v_line.period_of, (dues.recurring_terms(p_sub.class_id)).period,
                                                                 (dues.recurring_terms(p_sub.class_id)).period_count, 1) - 1,
                                               greatest(p_end + 1, v_line.period_start), v_line.period_end);
        v_credit := dues.discount_credit(v_line.id, v_credit);
        continue when v_credit <= 0;
        v_tx := dues.ledger_transfer(dues.class_account(v_line.class_id), dues.member_account(v_line.member_id, v_currency),
                                     v_credit, 'proration_credit',
                                     pg_catalog.format('subscription %s ends on %s: %s to %s credited',
                                                       p_sub.class_subscription_id, p_end,
                                                       greatest(p_end + 1, v_line.period_start), v_line.period_end));
        perform dues.ledger_book(v_tx, p_on, v_line.member_id, v_line.invoice_id);
        insert into dues.proration_credit (invoice_line_id, member_id, amount, unused_from, credited_on, ledger_transaction_id)
        values (v_line.id, v_line.member_id, v_credit, greatest(p_end + 1, v_line.period_start), p_on, v_tx);
    end loop;

    update dues.recurring_subscription r
       set end_date = p_end,
           billed_until = case when r.billed_until > p_end then p_end else r.billed_until end,
           ended_at = pg_catalog.now(),
           ended_by = dues.actor()
     where r.class_subscription_id = p_sub.class_subscription_id
    returning r.* into v_sub;

    -- the group memberships it gave (directly or by a reinstatement) end after its last day; one it gave for after a
    -- pause that begins after it covers no day
    update dues.group_membership gm
       set during = case when pg_catalog.lower(gm.during) > p_end then 'empty'::daterange
                         else pg_catalog.daterange(pg_catalog.lower(gm.during), p_end + 1) end
     where gm.member_id = p_sub.member_id
       and (gm.class_subscription_id = p_sub.class_subscription_id
            or gm.id in (select sm.group_membership_id from dues.standing_group_membership sm
                          where sm.action = 'restored' and sm.class_subscription_id = p_sub.class_subscription_id))
       and not pg_catalog.isempty(gm.during)
       and (pg_catalog.lower(gm.during) <= p_end or gm.class_subscription_id is not null)
       and (pg_catalog.upper_inf(gm.during) or pg_catalog.upper(gm.during) > p_end + 1);

    perform dues.member_settle(p_sub.member_id, v_currency, p_on);
    return v_sub;
end
$$;
