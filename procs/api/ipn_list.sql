create or replace function api.ipn_list(state text default null, "limit" int default 100)
returns setof dues.ipn_summary
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    if ipn_list.state is not null and ipn_list.state not in
       ('received', 'unverified', 'invalid', 'rejected', 'unmatched', 'ambiguous', 'held', 'processed', 'failed') then
        raise exception 'state % is unknown', ipn_list.state
            using errcode = 'DU019',
                  hint = 'states: received, unverified, invalid, rejected, unmatched, ambiguous, held, processed, failed';
    end if;
    if ipn_list."limit" is null or ipn_list."limit" < 1 then
        raise exception 'limit must be a positive number, got %', coalesce(ipn_list."limit"::text, 'null')
            using errcode = 'DU01E';
    end if;
    return query
        select (dues.ipn_summary(m)).*
          from dues.ipn_message m
         where ipn_list.state is null or m.state = ipn_list.state
         order by m.id desc
         limit ipn_list."limit";
end
$$;

comment on function api.ipn_list(text, int) is
$$Lists PayPal payment notifications, newest first, in one state when given: received (not verified yet), unverified (the
verification server did not answer; retried later), invalid (PayPal answered INVALID), rejected (receiver e-mail or currency not
ours), unmatched (no member has the payer's e-mail), ambiguous (several have it), held (waits for staff: its payer matched a member
only through a PayPal e-mail the member set itself after the message arrived, or it refunds a payment another payer made; decide with
ipn_reprocess and member_id), processed, failed (processing raised: error). note says why or what processing did; member_id the member
it led to (for a held one, the member it would go to). At most limit rows (100 by default). Staff only.
Errors: DU019 unknown state, DU01E limit not positive.$$;

grant execute on function api.ipn_list(text, int) to dues_staff;
