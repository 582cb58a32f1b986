-- Removes a member's contact (kept as history).
create or replace function api.contact_remove(contact_id bigint)
returns dues.member_contact
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_contact dues.member_contact;
begin
    perform dues.require_argument('contact_id', contact_remove.contact_id is null);
    select c.* into v_contact from dues.member_contact c where c.id = contact_remove.contact_id;
    if not coalesce(dues.caller_may_act(v_contact.member_id, 'pay'), false) then
        perform dues.refuse_record('contact', contact_remove.contact_id, 'pay');
    end if;
    if v_contact.id is null then
        raise exception 'contact % not found', contact_remove.contact_id
            using errcode = 'DUB04';
    end if;
    update dues.member_contact c
       set removed_at = pg_catalog.now(), removed_by = dues.actor()
     where c.id = v_contact.id and c.removed_at is null
    returning c.* into v_contact;
    if not found then
        select c.* into strict v_contact from dues.member_contact c where c.id = contact_remove.contact_id;
    end if;
    return v_contact;
end
$$;

comment on function api.contact_remove(bigint) is
$$Removes a contact of a member: it stays in the database with removed_at and removed_by, and no longer receives anything. Removing it
twice is harmless. Returns the contact.
Errors: DU014 contact_id is null, DUB04 unknown contact, 42501 not allowed (it needs the right to pay for the member).$$;

grant execute on function api.contact_remove(bigint) to dues_member, dues_staff;
