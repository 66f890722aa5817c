// Every node the full-text index finds for a search, with its relevance score. The index
// is updated in the background (migrations/V0006): waiting for its pending updates first
// makes a search see every write committed before it.
// $query is Lucene syntax made by llm_memory_graph/_textquery.py, never raw user text.
// Parameters: $query
CALL db.index.fulltext.awaitEventuallyConsistentIndexRefresh()
CALL db.index.fulltext.queryNodes('content_text', $query) YIELD node, score
RETURN node.id AS id, score
