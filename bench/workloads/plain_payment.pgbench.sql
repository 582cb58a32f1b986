\set m random(:lo, :hi)
select bench.plain_payment(:m, 10.00);
