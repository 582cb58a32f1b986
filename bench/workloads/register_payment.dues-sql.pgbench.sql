-- PGOPTIONS: -c role=dues_staff -c dues.staff=true -c dues.member_id= -c dues.actor=bench
\set m random(:lo, :hi)
select to_json(r)::text from api.register_payment("member_id" => :m::text::bigint, "amount" => '10.00'::text::numeric, "currency" => 'USD'::text::text, "method" => 'manual'::text::text) r;
