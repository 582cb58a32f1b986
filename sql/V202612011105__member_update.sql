-- api.member_update: staff change a member's name, e-mail and kind; a member (or a manager of an organization) its
-- name and e-mail. Every change is in the audit log (the trigger member_email_audit, which kept only e-mails, becomes
-- member_audit in procs/dues/audit_row.sql).
--
-- A member's e-mail matches payment notifications. A member that makes an address its e-mail must not take the
-- notifications that arrived from it before: as for a PayPal e-mail the member set itself (paypal_email_confirmed_at),
-- they are held for staff. email_changed_by_member_at says since when the e-mail is the member's own choice.

alter table dues.member add column email_changed_by_member_at timestamptz;
comment on column dues.member.email_changed_by_member_at is
    'When the member itself (not staff) last changed its e-mail: payment notifications from that address received before '
    'are never matched to the member without staff (they are held). Null when staff set it.';

drop trigger if exists member_email_audit on dues.member;

insert into dues.error_code (sqlstate, http_status, title) values
    ('DU309', 409, 'member kind cannot change');

-- A member as api.member_list shows it: with its master, its standing and its membership status (a linked member's are
-- its master's).
create type dues.member_summary as (
    id                bigint,
    kind              text,
    name              text,
    email             text,
    paypal_email      text,
    master_id         bigint,
    standing          text,
    membership_status text,
    created_at        timestamptz
);
