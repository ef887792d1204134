-- Issue 18: keys that expire, and (below) the hash-chained audit trail.

-- A key may be given an end date: authentication and open live streams stop honouring it then.
ALTER TABLE api_keys ADD COLUMN expires_at timestamptz;
