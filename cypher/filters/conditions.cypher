// The conditions a node filter adds to its anchor, one per line, named by the comment that
// ends it; a query takes the lines of the filters given and no other, so no condition is
// a "$x IS NULL OR ..." the planner cannot use (stores/neo4j/_compose.py). Nor is any an
// OR (a keyset step is a CASE, two fields an IN list): the planner would split it into two
// reads of the anchor's index and lose their order. As a whole this file is a valid query,
// so the Cypher linter checks every line.
// Parameters: $until, $types, $conversation_id, $agent_id, $user_id, $name, $model, $provider, $status, $finish_reason, $template_id, $meta_kv, $meta_in, $meta_exists, $ranges, $after_time, $after_id
MATCH (n:GraphNode)
WHERE n.id IS NOT NULL
  AND n.created_at < $until // until
  AND n.type IN $types // types
  AND n.conversation_id = $conversation_id // conversation_id
  AND n.agent_id = $agent_id // agent_id
  AND n.user_id = $user_id // user_id
  AND $name IN [n.name, n.tool_name] // name
  AND $model IN [n.request_model, n.response_model] // model
  AND n.provider = $provider // provider
  AND n.status = $status // status
  AND n.finish_reason = $finish_reason // finish_reason
  AND n.template_id = $template_id // template_id
  AND all(kv IN $meta_kv WHERE kv IN n.meta_kv) // meta_kv
  AND all(choices IN $meta_in WHERE any(kv IN n.meta_kv WHERE kv IN choices)) // meta_in
  AND all(prefix IN $meta_exists WHERE any(kv IN n.meta_kv WHERE kv STARTS WITH prefix)) // meta_exists
  AND all(r IN $ranges WHERE n[r.field] IS NOT NULL AND (r.gte IS NULL OR n[r.field] >= r.gte) AND (r.lte IS NULL OR n[r.field] <= r.lte)) // ranges
  AND CASE WHEN n.created_at = $after_time THEN n.id > $after_id ELSE true END // after_oldest
  AND CASE WHEN n.created_at = $after_time THEN n.id < $after_id ELSE true END // after_newest
RETURN n
