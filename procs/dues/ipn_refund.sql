-- Gives back (part of) a PayPal payment that PayPal refunded or reversed, once per refund transaction id (api.payment_refund;
-- p_on is the day billing books it on, its own today).
create or replace function dues.ipn_refund(p_payment dues.payment, p_amount numeric, p_ref text, p_reason text, p_on date)
returns dues.refund
language sql
set search_path = ''
as $$
    select api.payment_refund(p_payment.id, p_amount, p_ref, p_reason)
$$;
