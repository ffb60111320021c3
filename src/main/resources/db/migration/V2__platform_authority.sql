-- Portable SQL: runs on PostgreSQL and on embedded H2.
-- Who set a block or disabled a policy, by role, so that only a platform-admin may lift what a
-- platform-admin set (issue 8 item 4).

-- 'platform-admin' or 'tenant-admin'. Blocks set before this migration cannot be attributed, so they
-- count as the platform's: the operator, not a tenant, decides whether they stay.
ALTER TABLE mint_block ADD COLUMN created_by_role VARCHAR(32) DEFAULT 'platform-admin' NOT NULL;

-- Set while a policy is disabled: who turned it off, and with which role.
ALTER TABLE tenant_policy ADD COLUMN disabled_by VARCHAR(255);
ALTER TABLE tenant_policy ADD COLUMN disabled_by_role VARCHAR(32);

-- Policies disabled before this migration: likewise the platform's (stored documents are written
-- by Jackson without spaces).
UPDATE tenant_policy SET disabled_by = updated_by, disabled_by_role = 'platform-admin'
    WHERE policy_json LIKE '%"enabled":false%';
