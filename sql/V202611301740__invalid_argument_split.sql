-- DU013 "invalid argument" was raised for fifteen different failures: each now has its own code, so that a caller
-- (and a test) can tell them apart by SQLSTATE alone. DU013 is no longer raised; its row goes.
insert into dues.error_code (sqlstate, http_status, title) values
    ('DU017', 422, 'text is blank'),
    ('DU018', 422, 'not an e-mail address'),
    ('DU019', 422, 'value not one of those allowed'),
    ('DU01A', 422, 'name or number not in its required form'),
    ('DU01B', 409, 'name already in use'),
    ('DU01C', 422, 'dates in the wrong order'),
    ('DU01D', 422, 'date range too long'),
    ('DU01E', 422, 'limit not positive'),
    ('DU01F', 422, 'not exactly one target'),
    ('DU01G', 422, 'member of the wrong kind'),
    ('DU01H', 422, 'a record cannot act on itself'),
    ('DU01J', 422, 'key too short'),
    ('DU01K', 422, 'rule parameters not a JSON object'),
    ('DU01L', 422, 'duration out of range'),
    ('DU102', 422, 'payment notification malformed');

delete from dues.error_code where sqlstate = 'DU013';
