-- Tests of dues.member_suspended_days: the days billing's standing holds a member suspended.

create or replace function tests.test_member_suspended_days__from_each_suspension_to_its_end()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member('Sal Sometimes');
    v_never  bigint := tests.fx_member('Nat Never');
begin
    perform tests.fx_standing_change(v_member, 'at_risk', tests.fx_day(3, 1));
    perform tests.fx_standing_change(v_member, 'suspended', tests.fx_day(4, 5));
    perform tests.fx_standing_change(v_member, 'at_risk', tests.fx_day(4, 8));
    perform tests.fx_standing_change(v_member, 'good', tests.fx_day(4, 9));
    return next is(dues.member_suspended_days(v_member), datemultirange(daterange(tests.fx_day(4, 5), tests.fx_day(4, 8))),
                   'suspended from 5 April to the day it left suspended, 8 April (not included)');
    perform tests.fx_standing_change(v_member, 'suspended', tests.fx_day(6, 1));
    return next is(dues.member_suspended_days(v_member),
                   datemultirange(daterange(tests.fx_day(4, 5), tests.fx_day(4, 8)), daterange(tests.fx_day(6, 1), null)),
                   'suspended again from 1 June: without end while it lasts');
    return next is(dues.member_suspended_days(v_never), '{}'::datemultirange, 'a member never suspended: no day');
end
$$;
