-- One line of a bank statement (booked_on, amount, currency, reference, payer): a bank line, once per reference, matched
-- like payment notifications (dues.payer_match: the payer as the bank id a member holds, learned when staff assigned an
-- earlier line of that payer, then the payer as an e-mail; never guessed). Matched, it is paid to the member at once
-- (a payment of method bank_transfer, external_ref the reference); unmatched or ambiguous, it waits for staff
-- (api.bank_line_list, api.bank_line_assign). 'unchanged' when the reference was imported with the same content.
create or replace function dues.import_payment_line(p_fields jsonb)
returns text
language plpgsql
set search_path = ''
as $$
declare
    v_on          date := dues.import_value(p_fields, 'booked_on', 'date', true)::date;
    v_amount      numeric := dues.import_value(p_fields, 'amount', 'numeric', true)::numeric;
    v_currency_in text := dues.import_value(p_fields, 'currency', 'text', true);
    v_reference   text := dues.import_value(p_fields, 'reference', 'text', true);
    v_payer       text := dues.import_value(p_fields, 'payer', 'text', true);
    v_currency    char(3);
    v_line        dues.bank_line;
    v_outcome     dues.ipn_outcome;
begin
    select c.code into v_currency from dues.currency c where c.code = pg_catalog.upper(v_currency_in);
    if v_currency is null then
        raise exception 'currency "%" is unknown', v_currency_in using errcode = 'DU021', column = 'currency';
    end if;
    if v_amount <= 0 then
        raise exception 'only money received is imported: amount must be more than 0, not %', v_amount
            using errcode = 'DU020', column = 'amount', hint = 'leave the statement''s outgoing lines out';
    end if;
    if not dues.money_fits(v_amount, v_currency) then
        raise exception 'amount % does not fit % (too many decimals or too large)', v_amount, v_currency
            using errcode = 'DU023', column = 'amount';
    end if;
    if pg_catalog.length(v_reference) > 255 then
        raise exception 'reference is % characters long, at most 255', pg_catalog.length(v_reference)
            using errcode = 'DU650', column = 'reference';
    end if;
    perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('dues.bank_line ' || v_reference, 0));
    select l.* into v_line from dues.bank_line l where l.reference = v_reference;
    if found then
        if (v_line.booked_on, v_line.amount, v_line.currency, v_line.payer) = (v_on, v_amount, v_currency, v_payer) then
            return 'unchanged';
        end if;
        raise exception 'reference % was imported as bank line % (% % on %, payer %)', v_reference, v_line.id, v_line.amount,
                        v_line.currency, v_line.booked_on, v_line.payer
            using errcode = 'DU650', column = 'reference';
    end if;
    v_outcome := dues.payer_match('bank', array[dues.bank_payer_ref(v_payer)],
                                  case when dues.bank_payer_ref(v_payer) is null then v_payer end,
                                  pg_catalog.now(), 'bank_line_assign');
    insert into dues.bank_line as l (booked_on, amount, currency, reference, payer, state, note)
    values (v_on, v_amount, v_currency, v_reference, v_payer,
            case when v_outcome.state = 'ambiguous' then 'ambiguous' else 'unmatched' end, v_outcome.note)
    returning l.* into v_line;
    if v_outcome.state is null then
        perform dues.bank_line_pay(v_line, v_outcome.member_id, 'matched', 'matched ' || v_outcome.note);
    end if;
    return 'imported';
end
$$;
