-- The subscription behind each group membership a suspension ended, so a reinstatement gives back only what is still subscribed.

alter table dues.standing_membership
    add column class_subscription_id bigint references dues.class_subscription;
comment on column dues.standing_membership.class_subscription_id is
    'The class subscription that gave the membership (directly, or through an earlier reinstatement).';
