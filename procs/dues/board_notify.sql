-- Queues a notice to every board recipient (dues.board_recipients); returns how many.
create or replace function dues.board_notify(p_subject text, p_text text, p_member dues.member, p_on date)
returns int
language plpgsql
set search_path = ''
as $$
declare
    v_recipient text;
    v_count     int := 0;
begin
    for v_recipient in select r from dues.board_recipients(p_on) r loop
        perform dues.outbox_enqueue('email', 'board_notice', v_recipient,
            pg_catalog.jsonb_build_object('subject', p_subject, 'text', p_text,
                                          'name', p_member.name, 'email', p_member.email, 'member_id', p_member.id));
        v_count := v_count + 1;
    end loop;
    return v_count;
end
$$;
