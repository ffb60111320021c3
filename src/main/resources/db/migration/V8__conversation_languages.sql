-- A conversation token's record keeps the conversation's two languages (the request's order, e.g.
-- 'en,ja'), so POST /v1/tokens/renew can mint the same kind of token again: an interpreter token
-- names no target language, and its instruction is built from both (docs/conversations.md).
-- Null for tokens minted alone and for conversation tokens minted before this column existed.
ALTER TABLE audit_record ADD COLUMN conversation_languages VARCHAR(64);
