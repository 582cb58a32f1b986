-- The raw payment notifications stay undeletable, but for jobs.cleanup
-- removing those that had no effect (dues.ipn_message_guard_delete).

drop trigger ipn_message_forbid_delete on dues.ipn_message;
create trigger ipn_message_forbid_delete before delete on dues.ipn_message
    for each row execute function dues.ipn_message_guard_delete();

drop trigger ipn_log_forbid_delete on dues.ipn_log;
create trigger ipn_log_forbid_update before update on dues.ipn_log
    for each row execute function dues.forbid_delete();
create trigger ipn_log_forbid_delete before delete on dues.ipn_log
    for each row execute function dues.ipn_log_guard_delete();
