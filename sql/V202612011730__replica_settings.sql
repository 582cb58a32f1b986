-- Reads on a streaming replica (dues serve --replica-url): how long a read carrying a Dues-LSN waits for the replica to
-- replay it, and how far behind the primary a replica may be and still serve reads. dues serve reads both every second.
insert into dues.setting (name, value, type, minimum, maximum, optional, description) values
    ('replica_lsn_wait_ms', '1000', 'integer', 0, 60000,
     false, 'How long a GET carrying a Dues-LSN waits for the replica to replay it before the primary answers it, in milliseconds'),
    ('replica_lag_max_seconds', '10', 'integer', 1, 86400,
     false, 'A replica further behind the primary than this, in seconds, is skipped: the primary serves its reads until it catches up');
