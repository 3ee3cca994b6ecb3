-- Every change to a row the data plane reads is signalled on commit with its org id, so that each api
-- replica forgets what it cached of that org (libs/db DataChangeFeed), whoever made the change: an api
-- replica, the worker, a cascade from a parent row or a statement typed into psql. Bookkeeping columns
-- that move without changing what a call meets (a probe's timestamps, an agent's last sighting) are left
-- out, so that an org in use is not evicted every few seconds.
CREATE FUNCTION "gatehouse_notify_data_change"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('gatehouse_data_changes', OLD."org_id");
  ELSE
    PERFORM pg_notify('gatehouse_data_changes', NEW."org_id");
    IF TG_OP = 'UPDATE' AND OLD."org_id" IS DISTINCT FROM NEW."org_id" THEN
      PERFORM pg_notify('gatehouse_data_changes', OLD."org_id");
    END IF;
  END IF;
  RETURN NULL;
END
$$;

-- A TRUNCATE names no org: every replica forgets everything.
CREATE FUNCTION "gatehouse_notify_data_truncate"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('gatehouse_data_changes', '*');
  RETURN NULL;
END
$$;

CREATE TRIGGER "gateways_notify_data_change" AFTER INSERT OR UPDATE OR DELETE ON "gateways"
  FOR EACH ROW EXECUTE FUNCTION "gatehouse_notify_data_change"();

CREATE TRIGGER "policies_notify_data_change" AFTER INSERT OR UPDATE OR DELETE ON "policies"
  FOR EACH ROW EXECUTE FUNCTION "gatehouse_notify_data_change"();

CREATE TRIGGER "connectors_notify_data_change" AFTER INSERT OR DELETE ON "connectors"
  FOR EACH ROW EXECUTE FUNCTION "gatehouse_notify_data_change"();
CREATE TRIGGER "connectors_notify_data_update" AFTER UPDATE ON "connectors"
  FOR EACH ROW
  WHEN ((to_jsonb(OLD) - ARRAY['last_checked_at', 'updated_at', 'tool_count']) IS DISTINCT FROM (to_jsonb(NEW) - ARRAY['last_checked_at', 'updated_at', 'tool_count']))
  EXECUTE FUNCTION "gatehouse_notify_data_change"();

CREATE TRIGGER "connector_tools_notify_data_change" AFTER INSERT OR DELETE ON "connector_tools"
  FOR EACH ROW EXECUTE FUNCTION "gatehouse_notify_data_change"();
CREATE TRIGGER "connector_tools_notify_data_update" AFTER UPDATE ON "connector_tools"
  FOR EACH ROW
  WHEN ((to_jsonb(OLD) - 'last_seen_at') IS DISTINCT FROM (to_jsonb(NEW) - 'last_seen_at'))
  EXECUTE FUNCTION "gatehouse_notify_data_change"();

CREATE TRIGGER "agents_notify_data_change" AFTER INSERT OR DELETE ON "agents"
  FOR EACH ROW EXECUTE FUNCTION "gatehouse_notify_data_change"();
CREATE TRIGGER "agents_notify_data_update" AFTER UPDATE ON "agents"
  FOR EACH ROW WHEN (OLD."name" IS DISTINCT FROM NEW."name")
  EXECUTE FUNCTION "gatehouse_notify_data_change"();

CREATE TRIGGER "gateways_notify_data_truncate" AFTER TRUNCATE ON "gateways"
  FOR EACH STATEMENT EXECUTE FUNCTION "gatehouse_notify_data_truncate"();
CREATE TRIGGER "policies_notify_data_truncate" AFTER TRUNCATE ON "policies"
  FOR EACH STATEMENT EXECUTE FUNCTION "gatehouse_notify_data_truncate"();
CREATE TRIGGER "connectors_notify_data_truncate" AFTER TRUNCATE ON "connectors"
  FOR EACH STATEMENT EXECUTE FUNCTION "gatehouse_notify_data_truncate"();
CREATE TRIGGER "connector_tools_notify_data_truncate" AFTER TRUNCATE ON "connector_tools"
  FOR EACH STATEMENT EXECUTE FUNCTION "gatehouse_notify_data_truncate"();
CREATE TRIGGER "agents_notify_data_truncate" AFTER TRUNCATE ON "agents"
  FOR EACH STATEMENT EXECUTE FUNCTION "gatehouse_notify_data_truncate"();
