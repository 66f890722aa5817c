// Every node the full-text index finds for a search, with its relevance score.
// $query is Lucene syntax made by llm_memory_graph/_textquery.py, never raw user text.
// Parameters: $query
CALL db.index.fulltext.queryNodes('content_text', $query) YIELD node, score
RETURN node.id AS id, score
