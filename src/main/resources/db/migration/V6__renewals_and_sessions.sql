-- Portable SQL: runs on PostgreSQL and on embedded H2.
-- Session governance (issue 9 parts 3-4): renewals and reported sessions.

-- A renewed token's record names the record of the token it replaced (POST /v1/tokens/renew).
ALTER TABLE audit_record ADD COLUMN renewed_from BIGINT;
CREATE INDEX audit_record_renewed_from ON audit_record (renewed_from);

-- One row per finished Live session a device reported (POST /v1/sessions). The primary key makes a
-- repeated report (same client-made session id) a no-op on every replica. The token is never
-- stored: token_audit_id names its audit record, token_hash is its HMAC.
CREATE TABLE live_session (
    tenant_id              VARCHAR(64)  NOT NULL,
    session_id             VARCHAR(36)  NOT NULL,
    subject                VARCHAR(255) NOT NULL,
    token_audit_id         BIGINT       NOT NULL,
    token_hash             VARCHAR(64)  NOT NULL,
    started_at             TIMESTAMP WITH TIME ZONE NOT NULL,
    ended_at               TIMESTAMP WITH TIME ZONE NOT NULL,
    duration_ms            BIGINT       NOT NULL,
    audio_seconds_sent     DOUBLE PRECISION NOT NULL,
    audio_seconds_received DOUBLE PRECISION NOT NULL,
    resumptions            INT          NOT NULL,
    close_code             INT          NOT NULL,
    close_reason           VARCHAR(500),
    prompt_token_count     BIGINT,
    response_token_count   BIGINT,
    total_token_count      BIGINT,
    reported_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, session_id)
);
CREATE INDEX live_session_tenant_time ON live_session (tenant_id, started_at, session_id);
CREATE INDEX live_session_tenant_end ON live_session (tenant_id, ended_at);
