\set m random(:lo, :hi)
select api.register_payment(:m, 10.00, 'USD', 'manual', null);
