\set m random(:lo, :hi)
select * from api.member_balance(:m);
