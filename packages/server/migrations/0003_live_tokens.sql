-- Short-lived tokens that open the live WebSocket stream for browsers, which cannot send an
-- Authorization header on a WebSocket. A token acts with its API key's tenant and role.
CREATE TABLE live_tokens (
  token_hash  bytea PRIMARY KEY,
  api_key_id  uuid NOT NULL REFERENCES api_keys (id),
  tenant_id   text NOT NULL REFERENCES tenants (id),
  expires_at  timestamptz NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX live_tokens_expires ON live_tokens (expires_at);

ALTER TABLE live_tokens ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON live_tokens TO sigap_app
  USING (tenant_id = sigap_current_tenant()) WITH CHECK (tenant_id = sigap_current_tenant());
GRANT SELECT, INSERT, DELETE ON live_tokens TO sigap_app;
