-- Records PayPal's answer (VERIFIED or INVALID) and processes a VERIFIED
-- message; returns the message's state. An answer for a message already
-- verified changes nothing. Any other answer counts as a failed verification.
create or replace function dues.ipn_verified(p_id bigint, p_result text)
returns text
language plpgsql
set search_path = ''
as $$
declare
    v_message dues.ipn_message := dues.ipn_lock(p_id);
    v_result  text := pg_catalog.btrim(p_result);
begin
    if v_message.verification is not null then
        return v_message.state;
    end if;
    if v_result = 'INVALID' then
        update dues.ipn_message m
           set state = 'invalid', verification = 'INVALID', verified_at = pg_catalog.now(), verify_error = null
         where m.id = p_id;
        perform dues.ipn_log_add(p_id, 'verified', 'invalid', 'PayPal answered INVALID: the message has no effect');
        return 'invalid';
    end if;
    if v_result is distinct from 'VERIFIED' then
        perform dues.ipn_verification_failed(p_id, 'unexpected answer: ' || coalesce(pg_catalog.left(p_result, 100), 'null'),
                                             pg_catalog.now());
        return 'unverified';
    end if;
    update dues.ipn_message m
       set verification = 'VERIFIED', verified_at = pg_catalog.now(), verify_error = null
     where m.id = p_id;
    perform dues.ipn_log_add(p_id, 'verified', v_message.state, 'PayPal answered VERIFIED');
    return dues.ipn_process(p_id);
end
$$;
