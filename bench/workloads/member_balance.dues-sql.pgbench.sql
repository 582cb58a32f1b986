\set m random(:lo, :hi)
\startpipeline
begin read only;
select dues.authenticate(:hash);
select coalesce(json_agg(r), '[]')::text from api.member_balance("member_id" => ((('{"member_id": ' || :m || '}')::text)::jsonb ->> 'member_id')::bigint) r;
commit;
\endpipeline
