-- The collector works in batches, each its own transaction: a run queues the
-- members it will visit, and each call of jobs.collect takes the next batch.
-- One transaction per run made every update of a shared row (a provider's
-- accounts, its invoice counter) longer than the last: hours at 100 000 members.

create table dues.collect_queue (
    run_id    bigint not null references dues.collect_run,
    seq       int    not null,
    member_id bigint not null references dues.member,
    primary key (run_id, seq)
);
comment on table dues.collect_queue is
    'Members a collector run has yet to visit, in order; each call of jobs.collect takes the next collect_batch_size of them.';

alter table dues.collect_run add column batches int not null default 0;

insert into dues.setting (name, value) values ('collect_batch_size', '500') on conflict do nothing;
