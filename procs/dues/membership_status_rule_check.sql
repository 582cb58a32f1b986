-- Trigger: a status rule gives a status or a standing (or both), names known groups and an e-mail template (and none of
-- them when it gives only a standing: actions run on entering a status), and ends after it starts when both events are one.
create or replace function dues.membership_status_rule_check()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
    v_key text;
begin
    if new.status is null and new.standing is null then
        raise exception 'a membership status rule gives a status, a standing or both; this one gives neither'
            using errcode = 'DU730',
                  hint = 'set status (the membership status), standing (billing''s: good, at_risk, suspended) or both';
    end if;
    if new.status is null and (new.reminder_template is not null or new.add_groups <> '{}' or new.remove_groups <> '{}') then
        raise exception 'standing rule % has a reminder or groups, which run only on entering a membership status', new.standing
            using errcode = 'DU731',
                  hint = 'give the rule a status too, or leave reminder_template, add_groups and remove_groups empty';
    end if;
    foreach v_key in array new.add_groups || new.remove_groups loop
        if not exists (select from dues."group" g where g.key = v_key) then
            raise exception 'membership status rule %: no group has key %', coalesce(new.status, new.standing), v_key
                using errcode = 'DU112',
                      hint = 'add_groups and remove_groups hold keys of dues."group"';
        end if;
    end loop;
    if new.add_groups && new.remove_groups then
        raise exception 'membership status rule %: a group is both added and removed', coalesce(new.status, new.standing)
            using errcode = 'DU112';
    end if;
    if new.reminder_template is not null
       and not exists (select from dues.message_template t where t.name = new.reminder_template and t.kind = 'email') then
        raise exception 'membership status rule %: % is not an e-mail template', coalesce(new.status, new.standing), new.reminder_template
            using errcode = 'DU112';
    end if;
    if new.end_event = new.start_event and new.end_offset <= new.start_offset then
        raise exception 'membership status rule %: it ends (% + %) before it starts (% + %)',
                        coalesce(new.status, new.standing), new.end_event, new.end_offset, new.start_event, new.start_offset
            using errcode = 'DU112';
    end if;
    return new;
end
$$;

create or replace trigger membership_status_rule_check
    before insert or update on dues.membership_status_rule
    for each row execute function dues.membership_status_rule_check();
