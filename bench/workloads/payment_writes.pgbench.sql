\set m random(:lo, :hi)
select bench.payment_writes(:m, 10.00);
