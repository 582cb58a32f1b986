-- Seats and a waiting list: a class of any rule may set the class parameter seats, the most students it takes at once;
-- order_confirm and class_subscription_confirm refuse a seat when none is free (DU705). Members wait for a seat in the
-- class's waiting list (api.class_waitlist_join, _leave, _list); a freed seat is offered to the first in line by e-mail
-- (template class_seat_offered) and held for them for setting class_seat_offer_hours, then passed on (job class_waitlist).

-- seats is a class parameter of every rule; a rule registered later declares it too (docs/rules.md)
insert into dues.subscription_parameter_template (rule, name, type, scope, required, description)
select r.name, 'seats', 'positive_integer', 'class', false, 'Most students at once (no limit when absent)'
  from dues.subscription_rule r
on conflict do nothing;

create table dues.class_waitlist (
    id               bigint generated always as identity primary key,
    class_id         bigint      not null references dues.class,
    member_id        bigint      not null references dues.member,
    state            text        not null default 'waiting'
                                 check (state in ('waiting', 'offered', 'served', 'left', 'expired')),
    joined_at        timestamptz not null default now(),
    joined_by        text        not null default dues.actor(),
    offered_at       timestamptz,
    offer_expires_at timestamptz,
    outbox_id        bigint references dues.outbox,
    ended_at         timestamptz,
    ended_by         text,
    constraint class_waitlist_offered check ((offered_at is null) = (offer_expires_at is null)
                                             and (state <> 'offered' or offered_at is not null)),
    constraint class_waitlist_ended check ((ended_at is null) = (ended_by is null)
                                           and (ended_at is null) = (state in ('waiting', 'offered')))
);
comment on table dues.class_waitlist is
    'Members waiting for a seat of a class, first joined first served: waiting, offered (a freed seat is held for them until '
    'offer_expires_at; outbox_id is the e-mail that told them), then served (they confirmed an order), left (they left '
    'the list) or expired (the offer ran out).';
create unique index class_waitlist_member_key on dues.class_waitlist (class_id, member_id) where state in ('waiting', 'offered');
create index class_waitlist_line_idx on dues.class_waitlist (class_id, joined_at, id) where state in ('waiting', 'offered');
create index class_waitlist_member_idx on dues.class_waitlist (member_id);

insert into dues.message_template (name, kind, subject, body_text, placeholders) values
    ('class_seat_offered', 'email', 'A seat is free in {{class}}',
     E'Dear {{name}},\n\nA seat is free in {{class}}, and it is yours until {{expires_at}}: subscribe before then, or it goes '
      'to the next in line.\n',
     '{name,class,class_id,expires_at}');

insert into dues.setting (name, value, type, minimum, maximum, optional, description) values
    ('class_seat_offer_hours', '48', 'integer', 1, 720, false,
     'How long a freed seat of a class is held for the first member of its waiting list, in hours')
on conflict do nothing;

insert into dues.job_schedule (job, every, next_run_at) values
    ('class_waitlist', '1 hour', date_trunc('hour', now()) + interval '1 hour 10 minutes')
on conflict do nothing;

insert into dues.error_code (sqlstate, http_status, title) values
    ('DU705', 409, 'no seat free'),
    ('DU706', 409, 'class has no seat limit'),
    ('DU707', 409, 'already on the waiting list'),
    ('DU708', 409, 'member holds a seat of the class already'),
    ('DU709', 404, 'not on the waiting list');

-- A place in a waiting list, as api.class_waitlist_list answers it (place 1 is the first in line).
create type dues.class_waitlist_place as (
    class_waitlist_id bigint,
    place             int,
    member_id         bigint,
    name              text,
    state             text,
    joined_at         timestamptz,
    offered_at        timestamptz,
    offer_expires_at  timestamptz
);
