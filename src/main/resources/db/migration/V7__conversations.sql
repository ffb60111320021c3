-- Tokens minted together by POST /v1/conversations (docs/conversations.md) carry the conversation's
-- id, so support can find both tokens of a pair; null for tokens minted alone.
ALTER TABLE audit_record ADD COLUMN conversation_id VARCHAR(64);
CREATE INDEX audit_record_conversation ON audit_record (conversation_id);
