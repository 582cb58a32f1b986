create or replace function api.storage_renewal_decide(renewal_id bigint, accept boolean, note text default null)
returns dues.storage_renewal
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_request    dues.storage_renewal;
    v_assignment dues.storage_assignment;
    v_view       dues.storage_view;
    v_member     dues.member;
    v_expires    date;
begin
    perform dues.authorize_staff();
    perform dues.require_argument('renewal_id', storage_renewal_decide.renewal_id is null);
    perform dues.require_argument('accept', storage_renewal_decide.accept is null);
    select r.* into v_request from dues.storage_renewal r where r.id = storage_renewal_decide.renewal_id for update;
    if not found then
        raise exception 'storage renewal request % not found', storage_renewal_decide.renewal_id using errcode = 'DU133';
    end if;
    if v_request.decided_at is not null then
        raise exception 'storage renewal request % was % already', v_request.id, v_request.decision using errcode = 'DU134';
    end if;
    select a.* into v_assignment from dues.storage_assignment a where a.id = v_request.assignment_id for update;
    if storage_renewal_decide.accept then
        -- one more term from the current expiry
        v_expires := (v_assignment.expires_on + 1 + (select t.default_term from dues.storage_slot s
                                                       join dues.storage_slot_type t on t.id = s.type_id
                                                      where s.id = v_assignment.slot_id))::date - 1;
        perform dues.audit_why(pg_catalog.format('renewal %s accepted', v_request.id));
        update dues.storage_assignment a set expires_on = v_expires where a.id = v_assignment.id;
    end if;
    update dues.storage_renewal r
       set decision = case when storage_renewal_decide.accept then 'accepted' else 'rejected' end,
           decided_at = pg_catalog.now(), decided_by = dues.actor(), decision_note = storage_renewal_decide.note,
           new_expires_on = v_expires
     where r.id = v_request.id
    returning r.* into v_request;
    v_view := dues.storage_view(v_assignment.id);
    v_member := dues.member_get(v_assignment.member_id);
    perform dues.outbox_enqueue('email', 'storage_renewal_decided', v_member.email,
        pg_catalog.jsonb_build_object('name', v_member.name, 'slot', v_view.label, 'decision', v_request.decision,
                                      'expires_on', v_view.expires_on, 'note', coalesce(storage_renewal_decide.note, '')));
    return v_request;
end
$$;

comment on function api.storage_renewal_decide(bigint, boolean, text) is
$$Accepts (accept true: the assignment is extended by one term of its slot type from its current expiry) or rejects a storage
renewal request, with a note; the member is told by e-mail. Returns the decided request. Staff only.
Errors: DU014 an argument is null, DU133 unknown request, DU134 decided already.$$;

grant execute on function api.storage_renewal_decide(bigint, boolean, text) to dues_staff;
