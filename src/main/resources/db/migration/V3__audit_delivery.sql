-- Whether the caller received the token: 'returned' (handed to the caller's connection) or
-- 'discarded' (minted and counted, but the caller had hung up or had already been answered 503
-- when it was ready, so it was never sent). Records written before this column existed were returned.
ALTER TABLE audit_record ADD COLUMN delivery VARCHAR(16) DEFAULT 'returned' NOT NULL;
