// Tail: totals of the completions matching a filter, per group (see stores/_aggregate.py).
// $by lists the GroupBy values asked for; a grouping not asked for is null on every row,
// so it splits nothing. A completion's template version is the smallest id among those its
// prompts INSTANTIATE; time buckets are truncated in UTC. Latencies are sorted in the
// database and read at nearest rank: index ceil(p * n) - 1, in integer arithmetic. Feedback
// is counted once per group however many of the group's completions it RATES.
// Parameters: $by
WITH n,
     CASE WHEN 'model' IN $by THEN coalesce(n.response_model, n.request_model) END AS model,
     CASE WHEN 'provider' IN $by THEN n.provider END AS provider,
     CASE WHEN 'agent' IN $by THEN n.agent_id END AS agent,
     CASE WHEN 'conversation' IN $by THEN n.conversation_id END AS conversation,
     CASE WHEN 'user' IN $by THEN n.user_id END AS user,
     CASE WHEN 'template_version' IN $by THEN COLLECT {
         MATCH (n)<-[:GENERATES]-(:Prompt)-[:INSTANTIATES]->(v:TemplateVersion)
         RETURN v.id AS id ORDER BY id LIMIT 1
     }[0] END AS template_version,
     datetime({datetime: n.created_at, timezone: 'UTC'}) AS at
WITH model, provider, agent, conversation, user, template_version,
     CASE WHEN 'minute' IN $by THEN datetime.truncate('minute', at) END AS minute,
     CASE WHEN 'hour' IN $by THEN datetime.truncate('hour', at) END AS hour,
     CASE WHEN 'day' IN $by THEN datetime.truncate('day', at) END AS day,
     count(n) AS completions,
     count(n.error) AS errors,
     sum(coalesce(n.input_tokens, 0)) AS input_tokens,
     sum(coalesce(n.output_tokens, 0)) AS output_tokens,
     sum(coalesce(n.total_tokens, 0)) AS total_tokens,
     sum(coalesce(n.cached_input_tokens, 0)) AS cached_input_tokens,
     sum(coalesce(n.reasoning_tokens, 0)) AS reasoning_tokens,
     sum(coalesce(n.cost_usd, 0.0)) AS cost_usd,
     collect(n.latency_ms) AS latencies,
     collect(n) AS members
WITH *,
     COLLECT { UNWIND latencies AS latency RETURN latency ORDER BY latency } AS sorted,
     COUNT { UNWIND members AS m MATCH (f:Feedback)-[:RATES]->(m) RETURN DISTINCT f } AS feedback_count,
     COLLECT {
         UNWIND members AS m
         MATCH (f:Feedback)-[:RATES]->(m)
         WITH DISTINCT f
         WHERE f.score IS NOT NULL
         RETURN f.score AS score
     } AS scores
RETURN model, provider, agent, conversation, user, template_version, minute, hour, day,
       completions, errors, input_tokens, output_tokens, total_tokens, cached_input_tokens,
       reasoning_tokens, cost_usd,
       CASE WHEN size(sorted) > 0 THEN sorted[(50 * size(sorted) + 99) / 100 - 1] END AS latency_p50_ms,
       CASE WHEN size(sorted) > 0 THEN sorted[(95 * size(sorted) + 99) / 100 - 1] END AS latency_p95_ms,
       CASE WHEN size(sorted) > 0 THEN sorted[(99 * size(sorted) + 99) / 100 - 1] END AS latency_p99_ms,
       feedback_count,
       CASE WHEN size(scores) = 0 THEN null
            ELSE reduce(total = 0.0, score IN scores | total + score) / size(scores) END AS feedback_avg
