-- api.message_template_set: staff change the subject and text of a message. A template may use only the {{keys}} the
-- event that sends it fills in: each template declares them (placeholders), and a text using another is refused (DU306)
-- by the trigger of procs/dues/message_template_check.sql, whoever changes it.

alter table dues.message_template add column placeholders text[];
comment on column dues.message_template.placeholders is
    'The {{keys}} the event that queues this message fills in: its subject and bodies may use these only.';

update dues.message_template t
   set placeholders = d.placeholders::text[]
  from (values
    ('welcome', '{name,email,member_id}'),
    ('chat_invite', '{name,email,member_id}'),
    ('subscr_cancel_confirm', '{name,email,member_id,subscr_id}'),
    ('payment_failed', '{name,email,member_id,subscr_id}'),
    ('board_notice', '{subject,text,name,email,member_id}'),
    -- the membership status rules' reminders (dues.membership_apply)
    ('membership_reminder', '{name,email,member_id,status,last_payment_date,days}'),
    ('paypal_email_confirm', '{name,member_id,code,expires_at}'),
    ('paypal_email_in_use', '{name,member_id}'),
    ('invoice_issued', '{name,member_id,invoice_id,number,provider,total,amount_due,currency,issue_date,due_date,lines}'),
    ('invoice_reminder', '{name,member_id,invoice_id,number,provider,due_date,days_late,offset_days,total,amount_due,currency}'),
    ('standing_at_risk', '{name,member_id,standing,previous_standing,days_late,amount_due,currency,oldest_due_date,suspend_days}'),
    ('standing_suspended', '{name,member_id,standing,previous_standing,days_late,amount_due,currency,oldest_due_date,suspend_days}'),
    ('standing_reinstated', '{name,member_id,standing,previous_standing,days_late,amount_due,currency,oldest_due_date,suspend_days}'),
    ('storage_reminder', '{name,slot,location,expires_on}'),
    ('storage_renewal_decided', '{name,slot,decision,expires_on,note}')
  ) as d(name, placeholders)
 where t.name = d.name;

insert into dues.error_code (sqlstate, http_status, title) values
    ('DU305', 404, 'message template not found'),
    ('DU306', 422, 'placeholder the message''s event does not fill in');
