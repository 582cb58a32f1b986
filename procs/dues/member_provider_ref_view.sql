-- A member's provider id as the api shows it.
create or replace function dues.member_provider_ref_view(p_ref dues.member_provider_ref)
returns dues.member_provider_ref_view
language sql
immutable
set search_path = ''
as $$
    select (p_ref.id, p_ref.member_id, p_ref.provider, p_ref.ref, p_ref.source, p_ref.created_at, p_ref.created_by,
            p_ref.ended_at, p_ref.ended_by)::dues.member_provider_ref_view
$$;
