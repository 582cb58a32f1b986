-- Pays an unmatched or ambiguous bank line to the member staff names.
create or replace function api.bank_line_assign(bank_line_id bigint, member_id bigint, why text default null)
returns dues.bank_line_view
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_line dues.bank_line;
    v_ref  text;
begin
    perform dues.authorize_staff();
    perform dues.require_argument('bank_line_id', bank_line_assign.bank_line_id is null);
    perform dues.member_get(bank_line_assign.member_id);
    perform dues.member_lock(bank_line_assign.member_id);
    select l.* into v_line from dues.bank_line l where l.id = bank_line_assign.bank_line_id for update;
    if not found then
        raise exception 'bank line % not found', bank_line_assign.bank_line_id
            using errcode = 'DU651';
    end if;
    if v_line.state not in ('unmatched', 'ambiguous') then
        raise exception 'bank line % is % to member % already (payment %)', v_line.id, v_line.state, v_line.member_id, v_line.payment_id
            using errcode = 'DU652',
                  hint = 'a payment given to the wrong member is refunded (payment_refund) and registered again';
    end if;
    perform dues.audit_why(bank_line_assign.why);
    insert into dues.audit_log (table_name, row_id, member_id, action, old, new, why)
    values ('bank_line', v_line.id, bank_line_assign.member_id, 'update',
            pg_catalog.jsonb_build_object('state', v_line.state, 'member_id', v_line.member_id),
            pg_catalog.jsonb_build_object('state', 'assigned', 'member_id', bank_line_assign.member_id), bank_line_assign.why);
    v_line := dues.bank_line_pay(v_line, bank_line_assign.member_id, 'assigned',
                                 pg_catalog.format('assigned by staff%s', ': ' || bank_line_assign.why));
    -- the payer's name is the member's bank id from now on (when no member holds it), as webhook ids become a member's
    v_ref := dues.bank_payer_ref(v_line.payer);
    if v_ref is not null then
        insert into dues.member_provider_ref (member_id, provider, ref, source)
        values (v_line.member_id, 'bank', v_ref, 'bank line ' || v_line.id)
        on conflict (provider, ref) where ended_at is null do nothing;
    end if;
    perform dues.audit_why(null);
    return (v_line.id, v_line.booked_on, v_line.amount, v_line.currency, v_line.reference, v_line.payer, v_line.state,
            v_line.member_id, v_line.payment_id, v_line.note, v_line.imported_at, v_line.assigned_at, v_line.assigned_by)::dues.bank_line_view;
end
$$;

comment on function api.bank_line_assign(bigint, bigint, text) is
$$Pays an unmatched or ambiguous line of an imported bank statement to the member staff names: a payment of method bank_transfer
with the line's reference as its external_ref (it settles the member's open invoices), the line assigned. The line's payer name
becomes the member's bank id (unless another member holds it), so that the next statements' lines of that payer are matched to the
member. why is recorded in the audit log. Returns the bank line. Staff only.
Errors: DU014 an argument is null, DU001 unknown member, DU651 unknown bank line, DU652 the line is paid already, DU050 its
reference was registered by hand as a bank transfer of another member or amount, 42501 not staff.$$;

grant execute on function api.bank_line_assign(bigint, bigint, text) to dues_staff;
