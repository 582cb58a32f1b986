-- Trigger: a status rule names known groups and an e-mail template, and ends after it starts when both events are one.
create or replace function dues.membership_status_rule_check()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
    v_key text;
begin
    foreach v_key in array new.add_groups || new.remove_groups loop
        if not exists (select from dues."group" g where g.key = v_key) then
            raise exception 'membership status rule %: no group has key %', new.status, v_key
                using errcode = 'DU112',
                      hint = 'add_groups and remove_groups hold keys of dues."group"';
        end if;
    end loop;
    if new.add_groups && new.remove_groups then
        raise exception 'membership status rule %: a group is both added and removed', new.status
            using errcode = 'DU112';
    end if;
    if new.reminder_template is not null
       and not exists (select from dues.message_template t where t.name = new.reminder_template and t.kind = 'email') then
        raise exception 'membership status rule %: % is not an e-mail template', new.status, new.reminder_template
            using errcode = 'DU112';
    end if;
    if new.end_event = new.start_event and new.end_offset <= new.start_offset then
        raise exception 'membership status rule %: it ends (% + %) before it starts (% + %)',
                        new.status, new.end_event, new.end_offset, new.start_event, new.start_offset
            using errcode = 'DU112';
    end if;
    return new;
end
$$;

create or replace trigger membership_status_rule_check
    before insert or update on dues.membership_status_rule
    for each row execute function dues.membership_status_rule_check();
