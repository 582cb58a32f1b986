-- No double purchase: a member cannot hold two subscriptions of one class whose days overlap, whatever the class's rule,
-- unless the rule declares that it allows overlaps (packs of sessions, bought again before the last is used; recurring
-- subscriptions, which dues.recurring_subscription guards per service order). dues.class_subscription_overlap_check
-- refuses them first with DU704; the exclusion constraint class_subscription_no_overlap is the last line of defence.

alter table dues.subscription_rule add column overlaps_allowed boolean not null default false;
comment on column dues.subscription_rule.overlaps_allowed is
    'True when a member may hold overlapping subscriptions of one class of this rule (class_subscription_no_overlap '
    'does not apply to them).';
update dues.subscription_rule set overlaps_allowed = true where name in ('per_session', 'recurring');

-- The days a class subscription covers, narrowed by its cancellation (empty when cancelled before it began), and whether
-- its rule allowed overlaps when it was made; dues.class_subscription_guard sets both on insert, and lets only a
-- cancellation narrow the days afterwards.
alter table dues.class_subscription
    add column during           daterange,
    add column overlaps_allowed boolean;
comment on column dues.class_subscription.during is
    'The days covered: start_date..end_date, cut after the last day of its cancellation (empty when cancelled before its start).';
comment on column dues.class_subscription.overlaps_allowed is
    'Its rule allowed overlapping subscriptions when it was made (subscription_rule.overlaps_allowed).';

alter table dues.class_subscription disable trigger user;
update dues.class_subscription s
   set during = daterange(s.start_date, s.end_date, '[]'),
       overlaps_allowed = r.overlaps_allowed
  from dues.class c
  join dues.subscription_rule r on r.name = c.rule
 where c.id = s.class_id;
update dues.class_subscription s
   set during = case when k.end_date < s.start_date then 'empty'::daterange else daterange(s.start_date, k.end_date, '[]') end
  from dues.class_subscription_cancellation k
 where k.class_subscription_id = s.id and k.end_date < coalesce(s.end_date, 'infinity');
-- subscriptions that overlapped an earlier one before this migration stay as they were bought
update dues.class_subscription s
   set overlaps_allowed = true
 where not s.overlaps_allowed
   and exists (select from dues.class_subscription e
                where e.member_id = s.member_id and e.class_id = s.class_id and e.id < s.id
                  and not e.overlaps_allowed and e.during && s.during);
alter table dues.class_subscription enable trigger user;

alter table dues.class_subscription
    alter column during set not null,
    alter column overlaps_allowed set not null,
    add constraint class_subscription_during check (
        during = daterange(start_date, end_date, '[]') or isempty(during)
        or (lower(during) = start_date and during <@ daterange(start_date, end_date, '[]'))),
    add constraint class_subscription_no_overlap exclude using gist (
        member_id with =,
        class_id with =,
        during with &&) where (not overlaps_allowed);

insert into dues.error_code (sqlstate, http_status, title) values
    ('DU704', 409, 'class subscriptions overlap');
