-- One line of an imported file of a kind (subscriptions, balances, payments), through its function: 'imported' or 'unchanged', or raises what is wrong.
create or replace function dues.import_line(p_kind text, p_fields jsonb)
returns text
language plpgsql
set search_path = ''
as $$
begin
    return case p_kind
               when 'subscriptions' then dues.import_subscription_line(p_fields)
               when 'balances' then dues.import_balance_line(p_fields)
               when 'payments' then dues.import_payment_line(p_fields)
           end;
end
$$;
