-- The invoice with this id after checking the caller may act for its member (the refusal is the same whether or not
-- it exists); DU014 null, DUB01 unknown (to staff).
create or replace function dues.invoice_authorized(p_invoice_id bigint, p_action text)
returns dues.invoice
language plpgsql
stable
set search_path = ''
as $$
declare
    v_invoice dues.invoice;
begin
    perform dues.require_argument('invoice_id', p_invoice_id is null);
    select i.* into v_invoice from dues.invoice i where i.id = p_invoice_id;
    if not coalesce(dues.caller_may_act(v_invoice.member_id, p_action), false) then
        perform dues.refuse_record('invoice', p_invoice_id, p_action);
    end if;
    if v_invoice.id is null then
        raise exception 'invoice % not found', p_invoice_id
            using errcode = 'DUB01';
    end if;
    return v_invoice;
end
$$;
