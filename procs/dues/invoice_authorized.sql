-- The invoice with this id after checking the caller may act for its member (the refusal is the same whether or not
-- it exists); DU014 null, DUB01 unknown.
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
    if not found then
        if not dues.caller_is_staff() then
            raise exception 'not allowed to act on invoice %', p_invoice_id
                using errcode = '42501';
        end if;
        raise exception 'invoice % not found', p_invoice_id
            using errcode = 'DUB01';
    end if;
    perform dues.authorize_member(v_invoice.member_id, p_action);
    return v_invoice;
end
$$;
