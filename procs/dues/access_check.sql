-- Answers a device's POST /access/check: p_body is the exact request body,
-- {"device": …, "item": …, "badge": …, "nonce": …}, p_signature the hex
-- HMAC-SHA256 of it with the device's key. Refuses a body it cannot read
-- (DU127), an unknown or disabled device or a wrong signature (DU120), a
-- nonce the device used before (DU121); otherwise decides, logs the decision
-- and returns {"granted": bool, "reason": text}.
create or replace function dues.access_check(p_body text, p_signature text, p_now timestamptz)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
    v_now      timestamptz := coalesce(p_now, pg_catalog.now());
    v_request  jsonb;
    v_device   dues.device;
    v_field    text;
    v_decision record;
    v_expected text;
begin
    begin
        v_request := p_body::jsonb;
    exception when invalid_text_representation then
        raise exception 'the access check body is not JSON' using errcode = 'DU127';
    end;
    if v_request is null or pg_catalog.jsonb_typeof(v_request) <> 'object'
       or coalesce(pg_catalog.jsonb_typeof(v_request -> 'device'), 'missing') not in ('string', 'number') then
        raise exception 'the access check body is not an object naming its device' using errcode = 'DU127';
    end if;

    select d.* into v_device from dues.device d where d.name = v_request ->> 'device' and d.active;
    -- unknown device and bad signature are refused alike, after the same work (the signature is computed with a key of
    -- the same length for an unknown device): a caller learns nothing about which devices exist, not even from the time
    v_expected := dues.access_signature(p_body, coalesce(v_device.secret_key, pg_catalog.repeat('-', 64)));
    if v_device.id is null or pg_catalog.lower(pg_catalog.btrim(coalesce(p_signature, ''))) <> v_expected then
        raise exception 'access check refused: unknown device or bad signature'
            using errcode = 'DU120',
                  hint = 'sign the exact body with HMAC-SHA256 and the device''s key, hex-encoded';
    end if;

    foreach v_field in array array['item', 'badge', 'nonce'] loop
        if coalesce(pg_catalog.jsonb_typeof(v_request -> v_field), 'missing') not in ('string', 'number')
           or pg_catalog.length(v_request ->> v_field) not between 1 and 128 then
            raise exception 'the access check body has no valid %', v_field
                using errcode = 'DU127',
                      hint = 'item, badge and nonce are strings or numbers of 1 to 128 characters';
        end if;
    end loop;

    insert into dues.access_nonce (device_id, nonce, used_at)
    values (v_device.id, v_request ->> 'nonce', v_now)
    on conflict do nothing;
    if not found then
        raise exception 'nonce % was already used by device %', v_request ->> 'nonce', v_device.name
            using errcode = 'DU121',
                  hint = 'send a new random nonce with every request';
    end if;

    select * into v_decision from dues.access_decide(v_request ->> 'item', v_request ->> 'badge', dues.local_date(v_now));
    insert into dues.access_log (at, device_id, item_id, item, badge, member_id, granted, reason)
    values (v_now, v_device.id, v_decision.item_id, v_request ->> 'item', v_request ->> 'badge', v_decision.member_id,
            v_decision.granted, v_decision.reason);
    return pg_catalog.jsonb_build_object('granted', v_decision.granted, 'reason', v_decision.reason);
end
$$;
