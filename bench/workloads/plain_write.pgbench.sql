\set m random(:lo, :hi)
select bench.plain_write(:m, 10.00);
