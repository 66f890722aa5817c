// Anchor: the nodes the full-text index finds for $query, each with its relevance score,
// created between $lower and $upper; the page's order is then a sort of these hits, by
// time or by score. The index is updated in the background (migrations/V0006): waiting for
// its pending updates first makes a search see every write committed before it. $query is
// Lucene syntax made by llm_memory_graph/_textquery.py, never raw user text.
// Parameters: $query, $lower, $upper
CALL db.index.fulltext.awaitEventuallyConsistentIndexRefresh()
CALL db.index.fulltext.queryNodes('content_text', $query) YIELD node AS n, score
WITH n, score
WHERE n.created_at >= $lower AND n.created_at <= $upper AND n.id IS NOT NULL
  // conditions
RETURN n
