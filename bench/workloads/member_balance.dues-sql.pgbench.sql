-- PGOPTIONS: -c role=dues_staff -c dues.staff=true -c dues.member_id= -c dues.actor=bench -c default_transaction_read_only=on
\set m random(:lo, :hi)
select coalesce(json_agg(r), '[]')::text from api.member_balance("member_id" => :m::text::bigint) r;
