create or replace function dues.ipn_summary(p_message dues.ipn_message)
returns dues.ipn_summary
language sql
stable
set search_path = ''
as $$
    select p_message.id, p_message.received_at, p_message.state, p_message.txn_type, p_message.txn_id,
           p_message.payment_status, p_message.payer_email, p_message.member_id, p_message.payment_id,
           p_message.verify_attempts, p_message.verify_error, p_message.note, p_message.error, p_message.processed_at
$$;
