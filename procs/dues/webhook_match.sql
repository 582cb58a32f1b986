-- The member a webhook event is for: the one staff named (p_member_id), else the one dues.payer_match finds: holding one
-- of the provider's ids the event names (p_refs: customer, mandate, subscription; dues.member_provider_ref), else the one
-- with the payer's e-mail (for PayPal, its e-mail then its PayPal e-mail, as for IPN); never guessed. An e-mail the member made its
-- own (not staff) after the event arrived does not take it: it is held for staff, as IPN's. Keeps what it looked for
-- on the event (refs, payer_email) for re-matching. Matched, the event's ids that no member holds become the member's.
-- Returns the outcome to record when no member is found (state unmatched, ambiguous or held), else state null and member_id.
create or replace function dues.webhook_match(p_event dues.webhook_event, p_refs text[], p_email text,
                                              p_member_id bigint default null)
returns dues.ipn_outcome
language plpgsql
set search_path = ''
as $$
declare
    v_refs       text[] := coalesce((select pg_catalog.array_agg(distinct r order by r) from pg_catalog.unnest(p_refs) r
                                      where pg_catalog.btrim(r) <> ''), '{}');
    v_email      text := nullif(pg_catalog.lower(pg_catalog.btrim(p_email)), '');
    v_outcome    dues.ipn_outcome;
    v_member     bigint;
    v_how        text;
begin
    update dues.webhook_event e set refs = v_refs, payer_email = v_email where e.id = p_event.id;
    if p_member_id is not null then
        v_member := (dues.member_get(p_member_id)).id;
        v_how := 'named by staff';
    else
        v_outcome := dues.payer_match(p_event.provider, v_refs, v_email, p_event.received_at,
                                      'webhook_reprocess with member_id');
        if v_outcome.state is not null then
            return v_outcome;
        end if;
        v_member := v_outcome.member_id;
        v_how := v_outcome.note;
    end if;
    -- the member's from now on: the provider's ids no member holds (learned ones do not re-match other events at once:
    -- jobs.webhook_rematch does)
    insert into dues.member_provider_ref (member_id, provider, ref, source)
    select v_member, p_event.provider, r, 'webhook ' || p_event.id from pg_catalog.unnest(v_refs) r
    on conflict (provider, ref) where ended_at is null do nothing;
    return (null, v_how, v_member, null)::dues.ipn_outcome;
end
$$;
