-- Tests of dues.local_date, the one "today": the day in setting local_timezone, whatever the session's time zone, and the
-- default of every date argument that defaults to today, for every request role.

create or replace function tests.test_local_date__is_the_day_in_the_sites_time_zone()
returns setof text
language plpgsql
as $$
begin
    update dues.setting set value = 'Pacific/Auckland' where name = 'local_timezone';
    return next is(dues.local_date('2026-12-31 12:30Z'), date '2027-01-01', 'half past noon UTC is already tomorrow in Auckland');
    update dues.setting set value = 'America/New_York' where name = 'local_timezone';
    return next is(dues.local_date('2027-01-01 03:00Z'), date '2026-12-31', 'and 3 a.m. UTC is still yesterday in New York');
    set local timezone = 'Asia/Tokyo';
    return next is(dues.local_date('2027-01-01 03:00Z'), date '2026-12-31', 'the session''s time zone plays no part');
end
$$;

create or replace function tests.test_local_date__defaults_to_the_sites_today_for_every_role()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_slot   bigint := tests.fx_slot();
    v_class  bigint := tests.fx_recurring_class();
    v_view   dues.storage_view;
    v_charge dues.charge;
    v_groups int;
    v_error  text;
begin
    -- the session 12 hours behind UTC, the site 14 hours ahead: their days always differ
    set local timezone = 'Etc/GMT+12';
    update dues.setting set value = 'Etc/GMT-14' where name = 'local_timezone';

    perform tests.fx_as_staff();
    set local role dues_staff;
    begin
        v_view := api.storage_assign(v_slot, v_member);
        v_charge := api.charge_add(v_member, v_class, 5.00, 'key deposit');
    exception when others then
        v_error := sqlstate || ': ' || sqlerrm;
    end;
    reset role;
    return next is(v_error, null, 'staff leaves out starts_on and due_date under role dues_staff');
    return next is(v_view.starts_on, dues.local_date(now()), 'the slot is assigned from the site''s today');
    return next isnt(v_view.starts_on, current_date, 'not from the session''s');
    return next is(v_charge.due_date, dues.local_date(now()), 'the charge is due on the site''s today');

    perform tests.fx_as_member(v_member);
    set local role dues_member;
    begin
        select count(*)::int into v_groups from api.member_groups(v_member);
    exception when others then
        v_error := sqlstate || ': ' || sqlerrm;
    end;
    reset role;
    return next is(v_error, null, 'a member leaves out on_date under role dues_member');
end
$$;
