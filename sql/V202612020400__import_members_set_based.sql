-- A members file is imported set-based (dues.import_member_lines): the function of one member line is gone.
drop function if exists dues.import_member_line(jsonb);
