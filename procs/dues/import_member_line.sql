-- One line of a members file (name, email; kind, paypal_email, joined_on, groups, status): a new member with its groups
-- and membership, or 'unchanged' when a member has the e-mail with the same name, kind and PayPal e-mail (its groups and
-- membership are its own by then). A member of that e-mail with other data is a bad line: an import never rewrites a
-- member (member_update does).
-- groups: group keys separated by ";", joined from joined_on (default today). status: pending (joined, no payment
-- yet: group pending_payments), member (joined and paid: group members, membership started on joined_on), waived
-- (exempt from dues: group members), or blank (no membership of the organisation).
create or replace function dues.import_member_line(p_fields jsonb)
returns text
language plpgsql
set search_path = ''
as $$
declare
    v_name    text := dues.import_value(p_fields, 'name', 'text', true);
    v_email   text := dues.import_value(p_fields, 'email', 'text', true);
    v_kind    text := pg_catalog.lower(coalesce(dues.import_value(p_fields, 'kind', 'text'), 'person'));
    v_paypal  text := dues.import_value(p_fields, 'paypal_email', 'text');
    v_joined  date := coalesce(dues.import_value(p_fields, 'joined_on', 'date')::date, dues.local_date(pg_catalog.now()));
    v_status  text := pg_catalog.lower(dues.import_value(p_fields, 'status', 'text'));
    v_keys    text[] := coalesce((select pg_catalog.array_agg(pg_catalog.btrim(k) order by o)
                                    from pg_catalog.unnest(pg_catalog.string_to_array(p_fields ->> 'groups', ';')) with ordinality as g(k, o)
                                   where pg_catalog.btrim(k) <> ''), '{}');
    v_member  dues.member;
    v_changed boolean := false;
    v_key     text;
    v_group   dues."group";
begin
    if v_email !~ '^[^@[:space:]]+@[^@[:space:]]+$' then
        raise exception 'e-mail address "%" is not valid', v_email using errcode = 'DU018', column = 'email';
    end if;
    if v_paypal !~ '^[^@[:space:]]+@[^@[:space:]]+$' then
        raise exception 'PayPal e-mail address "%" is not valid', v_paypal using errcode = 'DU018', column = 'paypal_email';
    end if;
    if v_kind not in ('person', 'organization') then
        raise exception 'kind must be person or organization, not "%"', v_kind using errcode = 'DU019', column = 'kind';
    end if;
    if v_status not in ('pending', 'member', 'waived') then
        raise exception 'status must be pending, member, waived or blank, not "%"', v_status using errcode = 'DU019', column = 'status';
    end if;
    foreach v_key in array v_keys loop
        if not exists (select from dues."group" g where g.key = v_key) then
            raise exception 'no group has the key "%"', v_key
                using errcode = 'DU110', column = 'groups',
                      hint = 'group keys: ' || (select pg_catalog.string_agg(g.key, ', ' order by g.key) from dues."group" g where g.key is not null);
        end if;
    end loop;

    select m.* into v_member from dues.member m where pg_catalog.lower(m.email) = pg_catalog.lower(v_email);
    if found then
        if v_member.name <> v_name then
            raise exception 'e-mail % is member %''s, named "%", not "%": an import does not change members (member_update does)',
                            v_email, v_member.id, v_member.name, v_name using errcode = 'DU015', column = 'name';
        end if;
        if v_member.kind <> v_kind then
            raise exception 'e-mail % is member %''s, of kind %, not %: an import does not change members',
                            v_email, v_member.id, v_member.kind, v_kind using errcode = 'DU015', column = 'kind';
        end if;
        if v_member.paypal_email is distinct from v_paypal then
            raise exception 'e-mail % is member %''s, whose PayPal e-mail is %, not %: an import does not change members',
                            v_email, v_member.id, coalesce(v_member.paypal_email, '(none)'), coalesce(v_paypal, '(none)')
                using errcode = 'DU015', column = 'paypal_email';
        end if;
    else
        insert into dues.member as m (kind, name, email, paypal_email)
        values (v_kind, v_name, v_email, v_paypal)
        returning m.* into v_member;
        v_changed := true;
    end if;

    -- groups and membership are given to the members an import creates: a member that is there already keeps its own
    -- (they change with its payments and the status rules), so that importing a file again changes nothing
    if not v_changed then
        return 'unchanged';
    end if;
    if v_status is not null then
        perform dues.membership_ensure(v_member.id, v_joined);
        if v_status = 'member' then
            update dues.membership ms set start_date = v_joined where ms.member_id = v_member.id;
        elsif v_status = 'waived' then
            update dues.membership ms set waived = true where ms.member_id = v_member.id;
        end if;
        v_keys := v_keys || case when v_status = 'pending' then 'pending_payments' else 'members' end;
    end if;
    foreach v_key in array v_keys loop
        v_group := dues.group_by_key(v_key);
        perform dues.group_join(v_member.id, v_group.id, v_joined);
    end loop;
    return case when v_changed then 'imported' else 'unchanged' end;
end
$$;
