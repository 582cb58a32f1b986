create or replace function api.badge_revoke(number text, why text default null)
returns dues.badge
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_badge dues.badge;
begin
    perform dues.authorize_staff();
    perform dues.require_argument('number', badge_revoke.number is null);
    perform dues.audit_why(badge_revoke.why);
    update dues.badge b
       set revoked_at = pg_catalog.now(), revoked_by = dues.actor()
     where b.number = badge_revoke.number and b.revoked_at is null
    returning b.* into v_badge;
    if not found then
        raise exception 'no badge % in use', badge_revoke.number using errcode = 'DU125';
    end if;
    return v_badge;
end
$$;

comment on function api.badge_revoke(text, text) is
$$Revokes a badge (lost, returned): it opens nothing from now on and its number may be given again. The badge is kept as history
and the change audited with why. Staff only. Errors: DU014 number is null, DU125 no badge in use has that number.$$;

grant execute on function api.badge_revoke(text, text) to dues_staff;
