create or replace function api.storage_assign(slot_id bigint, member_id bigint, starts_on date default dues.local_date(now()),
                                              expires_on date default null, why text default null)
returns dues.storage_view
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_slot dues.storage_slot;
    v_term interval;
    v_id   bigint;
begin
    perform dues.authorize_staff();
    v_slot := dues.storage_slot_get(storage_assign.slot_id);
    v_term := (select t.default_term from dues.storage_slot_type t where t.id = v_slot.type_id);
    perform dues.member_get(storage_assign.member_id);
    perform dues.require_argument('starts_on', storage_assign.starts_on is null);
    if storage_assign.expires_on < storage_assign.starts_on then
        raise exception 'expires_on % is before starts_on %', storage_assign.expires_on, storage_assign.starts_on using errcode = 'DU01C';
    end if;
    perform dues.audit_why(storage_assign.why);
    begin
        insert into dues.storage_assignment as a (slot_id, member_id, starts_on, expires_on)
        values (v_slot.id, storage_assign.member_id, storage_assign.starts_on,
                coalesce(storage_assign.expires_on, (storage_assign.starts_on + v_term)::date - 1))
        returning a.id into v_id;
    exception when unique_violation then
        raise exception 'storage slot % is assigned already', v_slot.label
            using errcode = 'DU132',
                  hint = 'release it first (storage_release)';
    end;
    return dues.storage_view(v_id);
end
$$;

comment on function api.storage_assign(bigint, bigint, date, date, text) is
$$Gives a free storage slot to a member from starts_on (today by default) until expires_on (inclusive; by default the slot type's
term later). Audited with why. Returns the assignment. Staff only.
Errors: DU014 an argument is null, DU131 unknown slot, DU001 unknown member, DU01C expiry before start, DU132 slot assigned already.$$;

grant execute on function api.storage_assign(bigint, bigint, date, date, text) to dues_staff;
