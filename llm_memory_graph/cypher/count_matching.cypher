// How many nodes match a filter (parameters as in find_nodes.cypher).
// Parameters: $ids, $since, $until, $types, $conversation_id, $agent_id, $user_id, $name, $model, $provider, $status, $finish_reason, $meta_kv, $meta_in, $meta_exists, $ranges
MATCH (n:GraphNode)
// filter: begin (identical in every query that filters nodes; a test checks it)
WHERE ($ids IS NULL OR n.id IN $ids)
  AND ($since IS NULL OR n.created_at >= $since)
  AND ($until IS NULL OR n.created_at < $until)
  AND ($types IS NULL OR n.type IN $types)
  AND ($conversation_id IS NULL OR n.conversation_id = $conversation_id)
  AND ($agent_id IS NULL OR n.agent_id = $agent_id)
  AND ($user_id IS NULL OR n.user_id = $user_id)
  AND ($name IS NULL OR n.name = $name OR n.tool_name = $name)
  AND ($model IS NULL OR n.request_model = $model OR n.response_model = $model)
  AND ($provider IS NULL OR n.provider = $provider)
  AND ($status IS NULL OR n.status = $status)
  AND ($finish_reason IS NULL OR n.finish_reason = $finish_reason)
  AND all(kv IN $meta_kv WHERE kv IN n.meta_kv)
  AND all(choices IN $meta_in WHERE any(kv IN n.meta_kv WHERE kv IN choices))
  AND all(prefix IN $meta_exists WHERE any(kv IN n.meta_kv WHERE kv STARTS WITH prefix))
  AND all(r IN $ranges WHERE n[r.field] IS NOT NULL
      AND (r.gte IS NULL OR n[r.field] >= r.gte) AND (r.lte IS NULL OR n[r.field] <= r.lte))
// filter: end
RETURN count(n) AS count
