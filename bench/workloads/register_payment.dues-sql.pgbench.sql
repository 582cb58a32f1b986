\set m random(:lo, :hi)
\startpipeline
begin;
select dues.authenticate(:hash);
select to_json(r)::text from api.register_payment("member_id" => ((('{"member_id": ' || :m || ', "amount": 10.00, "currency": "USD", "method": "manual"}')::text)::jsonb ->> 'member_id')::bigint, "amount" => ((('{"member_id": ' || :m || ', "amount": 10.00, "currency": "USD", "method": "manual"}')::text)::jsonb ->> 'amount')::numeric, "currency" => ((('{"member_id": ' || :m || ', "amount": 10.00, "currency": "USD", "method": "manual"}')::text)::jsonb ->> 'currency')::text, "method" => ((('{"member_id": ' || :m || ', "amount": 10.00, "currency": "USD", "method": "manual"}')::text)::jsonb ->> 'method')::text) r;
commit;
\endpipeline
