-- One name per concept (docs/glossary.md): membership alone is a member's membership of the organization; a member's place
-- in a group is a group membership, always in full. The table of the group memberships a standing change ended or gave
-- back is dues.standing_group_membership.
alter table dues.standing_membership rename to standing_group_membership;
alter table dues.standing_group_membership rename constraint standing_membership_pkey to standing_group_membership_pkey;
alter table dues.standing_group_membership rename constraint standing_membership_action_check to standing_group_membership_action_check;
alter table dues.standing_group_membership
    rename constraint standing_membership_standing_change_id_fkey to standing_group_membership_standing_change_id_fkey;
alter table dues.standing_group_membership
    rename constraint standing_membership_group_membership_id_fkey to standing_group_membership_group_membership_id_fkey;
alter table dues.standing_group_membership
    rename constraint standing_membership_class_subscription_id_fkey to standing_group_membership_class_subscription_id_fkey;
alter index dues.standing_membership_membership_idx rename to standing_group_membership_group_membership_idx;
alter sequence dues.standing_membership_id_seq rename to standing_group_membership_id_seq;
-- procs/dues/forbid_delete.sql makes them again under the table's name
drop trigger if exists standing_membership_forbid_delete on dues.standing_group_membership;
drop trigger if exists standing_membership_forbid_truncate on dues.standing_group_membership;
comment on table dues.standing_group_membership is
    'Group memberships a suspension ended (during_before: the dates it had) and the group memberships a reinstatement gave back.';
