-- Portable SQL: runs on PostgreSQL and on embedded H2.
-- Session governance (issue 9 parts 1-2; docs/session-governance.md).

-- Worst-case session-minutes charged on the UTC-day counter rows (window_kind 'day'), in the same
-- conditional UPDATE that takes the mint: the user's row always (the usage record), the tenant's
-- row when it is touched. Minute and character rows keep 0.
ALTER TABLE usage_counter ADD COLUMN session_minutes BIGINT DEFAULT 0 NOT NULL;

-- The worst case charged for each token (renew, session reports and usage read it). Records
-- written before this migration have none.
ALTER TABLE audit_record ADD COLUMN worst_case_session_minutes BIGINT;

-- Tokens live until their expire_time, tracked only while a live-token cap applies to the mint.
-- A row is claimed in the reservation's transaction and deleted if the mint fails; expired rows
-- are purged with the old usage counters.
CREATE TABLE live_token (
    slot_id     VARCHAR(36)  NOT NULL PRIMARY KEY,
    tenant_id   VARCHAR(64)  NOT NULL,
    subject     VARCHAR(255) NOT NULL,
    expire_time TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX live_token_user ON live_token (tenant_id, subject, expire_time);
CREATE INDEX live_token_tenant ON live_token (tenant_id, expire_time);
CREATE INDEX live_token_expiry ON live_token (expire_time);

-- One row per capped user ('u:<tenant>:<subject>') and tenant ('t:<tenant>'): a capped mint
-- updates it first, so the count and the insert of concurrent mints of one scope are serialized
-- on every replica. Never deleted (a deleted row could not be locked by a mint that cached it).
CREATE TABLE live_token_lock (
    lock_key  VARCHAR(400) NOT NULL PRIMARY KEY,
    tenant_id VARCHAR(64)  NOT NULL,
    claims    BIGINT       NOT NULL
);
