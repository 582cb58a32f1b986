-- Wrong sign-in codes are also counted per client address: past signin_failures_per_client in an hour, a client's
-- signin_complete is refused (DU401, 429) whatever the address, so that nobody tries codes against many addresses.

create table dues.signin_failure (
    id             bigint generated always as identity primary key,
    client_address text        not null,
    created_at     timestamptz not null default now()
);
comment on table dues.signin_failure is
    'Refused signin_complete calls by client address (dues.signin_failed records them); jobs.cleanup forgets them after a day.';
create index signin_failure_client_idx on dues.signin_failure (client_address, created_at);

insert into dues.setting (name, value, type, minimum, maximum, optional, description) values
    ('signin_failures_per_client', '20', 'integer', 1, 1000000, false,
     'How many refused sign-in codes one client address may send in an hour before its sign-ins are refused for a while')
on conflict (name) do nothing;
