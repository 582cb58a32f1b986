-- One name per concept (docs/glossary.md): the member a linked member follows is its master, master_id, as in member_link
-- and membership_status; api.member_standing answered it as follows_member_id. And its credit was the available credit,
-- member_balance's available. procs/api/member_standing.sql makes it again with master_id and available.
drop function if exists api.member_standing(bigint, date);
