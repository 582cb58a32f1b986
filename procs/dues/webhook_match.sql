-- The member a webhook event is for: the one staff named (p_member_id), else the one holding one of the provider's
-- ids the event names (p_refs: customer, mandate, subscription; dues.member_provider_ref), else the one with the
-- payer's e-mail (for PayPal, its e-mail then its PayPal e-mail, as for IPN); never guessed. An e-mail the member made its
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
    v_candidates bigint[];
    v_member     bigint;
    v_how        text;
    v_found      dues.member;
begin
    update dues.webhook_event e set refs = v_refs, payer_email = v_email where e.id = p_event.id;
    if p_member_id is not null then
        v_member := (dues.member_get(p_member_id)).id;
        v_how := 'named by staff';
    else
        select pg_catalog.array_agg(distinct r.member_id order by r.member_id) into v_candidates
          from dues.member_provider_ref r
         where r.provider = p_event.provider and r.ref = any (v_refs) and r.ended_at is null;
        if pg_catalog.cardinality(v_candidates) > 1 then
            return ('ambiguous', pg_catalog.format('the %s ids %s belong to members %s: not guessed; staff decides (webhook_reprocess with member_id)',
                                                   p_event.provider, pg_catalog.array_to_string(v_refs, ', '),
                                                   pg_catalog.array_to_string(v_candidates, ', ')), null, null)::dues.ipn_outcome;
        end if;
        v_member := v_candidates[1];
        v_how := 'by ' || p_event.provider || ' id';
        if v_member is null and v_email is not null then
            if p_event.provider = 'paypal' then
                select m.member_id, m.candidates into v_member, v_candidates from dues.ipn_match(v_email) m;
            else
                select pg_catalog.array_agg(m.id order by m.id) into v_candidates
                  from dues.member m where pg_catalog.lower(m.email) = v_email;
                v_member := case when pg_catalog.cardinality(v_candidates) = 1 then v_candidates[1] end;
            end if;
            if pg_catalog.cardinality(v_candidates) > 1 then
                return ('ambiguous', pg_catalog.format('payer %s is the e-mail of members %s: not guessed; staff decides (webhook_reprocess with member_id)',
                                                       v_email, pg_catalog.array_to_string(v_candidates, ', ')),
                        null, null)::dues.ipn_outcome;
            end if;
            v_how := 'by e-mail';
            -- a member's own change of its address never takes the money of events that arrived before it (as IPN's)
            select m.* into v_found from dues.member m where m.id = v_member;
            if (pg_catalog.lower(v_found.email) = v_email and v_found.email_changed_by_member_at > p_event.received_at)
               or (pg_catalog.lower(v_found.email) is distinct from v_email and v_found.paypal_email_confirmed_at > p_event.received_at) then
                return ('held', pg_catalog.format('payer %s became the address of member %s by its own change, after this event arrived: '
                                                  'staff decides (webhook_reprocess with member_id)', v_email, v_member),
                        v_member, null)::dues.ipn_outcome;
            end if;
        end if;
        if v_member is null then
            return ('unmatched', pg_catalog.format('no member has the %s id %s or the e-mail %s', p_event.provider,
                                                   coalesce(nullif(pg_catalog.array_to_string(v_refs, ', '), ''), '(none)'),
                                                   coalesce(v_email, '(none)')), null, null)::dues.ipn_outcome;
        end if;
    end if;
    -- the member's from now on: the provider's ids no member holds (learned ones do not re-match other events at once:
    -- jobs.webhook_rematch does)
    insert into dues.member_provider_ref (member_id, provider, ref, source)
    select v_member, p_event.provider, r, 'webhook ' || p_event.id from pg_catalog.unnest(v_refs) r
    on conflict (provider, ref) where ended_at is null do nothing;
    return (null, v_how, v_member, null)::dues.ipn_outcome;
end
$$;
