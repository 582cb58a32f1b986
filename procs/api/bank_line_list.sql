-- Lists the lines of imported bank statements, newest first.
create or replace function api.bank_line_list(state text default null, "limit" int default 50, after bigint default null)
returns setof dues.bank_line_view
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    if bank_line_list.state is not null and bank_line_list.state not in ('unmatched', 'ambiguous', 'matched', 'assigned') then
        raise exception 'state % is unknown', bank_line_list.state
            using errcode = 'DU019',
                  hint = 'states: unmatched, ambiguous, matched, assigned';
    end if;
    perform dues.list_check(bank_line_list."limit", bank_line_list.after);
    return query
        select l.id, l.booked_on, l.amount, l.currency, l.reference, l.payer, l.state, l.member_id, l.payment_id, l.note,
               l.imported_at, l.assigned_at, l.assigned_by
          from dues.bank_line l
         where (bank_line_list.state is null or l.state = bank_line_list.state)
           and (bank_line_list.after is null or l.id < bank_line_list.after)
         order by l.id desc
         limit bank_line_list."limit";
end
$$;

comment on function api.bank_line_list(text, int, bigint) is
$$Lists the lines of the bank statements imported with import_payments, newest first, in one state when given: unmatched (no
member has the payer's bank id or e-mail) and ambiguous (several have it: never guessed) wait for staff (bank_line_assign);
matched (paid to the member its payer is) and assigned (paid to the member staff named) are paid (payment_id). note says how it
was matched or why not. A page of limit rows (50 by default, at most 500); the next page is after the last id seen. Staff only.
Errors: DU019 unknown state, DU300 limit outside 1..500, DU301 after below 1, 42501 not staff.$$;

grant execute on function api.bank_line_list(text, int, bigint) to dues_staff;
