// One keyset page of nodes matching a filter, ordered by (created_at, id).
// A null parameter leaves its condition out. $from and $after_id start the page just
// after the previous page's last node (or at "since"); $meta_kv lists key=value
// metadata entries that must all be present.
// Parameters: $from, $after_id, $until, $types, $conversation_id, $agent_id, $user_id, $name, $model, $meta_kv, $limit
MATCH (n:GraphNode)
WHERE ($from IS NULL OR n.created_at > $from OR (n.created_at = $from AND n.id > $after_id))
  AND ($until IS NULL OR n.created_at < $until)
  AND ($types IS NULL OR n.type IN $types)
  AND ($conversation_id IS NULL OR n.conversation_id = $conversation_id)
  AND ($agent_id IS NULL OR n.agent_id = $agent_id)
  AND ($user_id IS NULL OR n.user_id = $user_id)
  AND ($name IS NULL OR n.name = $name OR n.tool_name = $name)
  AND ($model IS NULL OR n.request_model = $model OR n.response_model = $model)
  AND all(kv IN $meta_kv WHERE kv IN n.meta_kv)
RETURN properties(n) AS props
ORDER BY n.created_at, n.id
LIMIT $limit
