-- The one member a payer is, for every channel money arrives by (webhook events, bank statement lines): the one holding
-- one of the provider's ids the payer has (p_refs; dues.member_provider_ref of p_provider), else the one with the payer's
-- e-mail (for PayPal, its e-mail then its PayPal e-mail, as for IPN: dues.ipn_match); never guessed. An e-mail the member
-- made its own (not staff) after the money arrived (p_received_at) does not take it: it is held for staff. Returns the
-- outcome to record when no member is found (state unmatched, ambiguous or held; p_staff says what staff does then),
-- else state null, the member and how it was found (note).
create or replace function dues.payer_match(p_provider text, p_refs text[], p_email text, p_received_at timestamptz,
                                            p_staff text)
returns dues.ipn_outcome
language plpgsql
stable
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
    select pg_catalog.array_agg(distinct r.member_id order by r.member_id) into v_candidates
      from dues.member_provider_ref r
     where r.provider = p_provider and r.ref = any (v_refs) and r.ended_at is null;
    if pg_catalog.cardinality(v_candidates) > 1 then
        return ('ambiguous', pg_catalog.format('the %s ids %s belong to members %s: not guessed; staff decides (%s)',
                                               p_provider, pg_catalog.array_to_string(v_refs, ', '),
                                               pg_catalog.array_to_string(v_candidates, ', '), p_staff), null, null)::dues.ipn_outcome;
    end if;
    v_member := v_candidates[1];
    v_how := 'by ' || p_provider || ' id';
    if v_member is null and v_email is not null then
        if p_provider = 'paypal' then
            select m.member_id, m.candidates into v_member, v_candidates from dues.ipn_match(v_email) m;
        else
            select pg_catalog.array_agg(m.id order by m.id) into v_candidates
              from dues.member m where pg_catalog.lower(m.email) = v_email;
            v_member := case when pg_catalog.cardinality(v_candidates) = 1 then v_candidates[1] end;
        end if;
        if pg_catalog.cardinality(v_candidates) > 1 then
            return ('ambiguous', pg_catalog.format('payer %s is the e-mail of members %s: not guessed; staff decides (%s)',
                                                   v_email, pg_catalog.array_to_string(v_candidates, ', '), p_staff),
                    null, null)::dues.ipn_outcome;
        end if;
        v_how := 'by e-mail';
        -- a member's own change of its address never takes money that arrived before it (as IPN's)
        select m.* into v_found from dues.member m where m.id = v_member;
        if (pg_catalog.lower(v_found.email) = v_email and v_found.email_changed_by_member_at > p_received_at)
           or (pg_catalog.lower(v_found.email) is distinct from v_email and v_found.paypal_email_confirmed_at > p_received_at) then
            return ('held', pg_catalog.format('payer %s became the address of member %s by its own change, after this arrived: '
                                              'staff decides (%s)', v_email, v_member, p_staff),
                    v_member, null)::dues.ipn_outcome;
        end if;
    end if;
    if v_member is null then
        return ('unmatched', pg_catalog.format('no member has the %s id %s or the e-mail %s', p_provider,
                                               coalesce(nullif(pg_catalog.array_to_string(v_refs, ', '), ''), '(none)'),
                                               coalesce(v_email, '(none)')), null, null)::dues.ipn_outcome;
    end if;
    return (null, v_how, v_member, null)::dues.ipn_outcome;
end
$$;
