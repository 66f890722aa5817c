// V0006: the full-text index is updated in the background, not in each write's commit:
// Lucene's update took 4 to 5 ms of every transaction that wrote text, about half of a
// single write. Searches first wait for pending updates (search_hits.cypher), so a
// search still sees every write committed before it.
DROP INDEX content_text IF EXISTS;
CREATE FULLTEXT INDEX content_text IF NOT EXISTS
FOR (n:Prompt|Completion|Document|Context) ON EACH [n.content, n.title]
OPTIONS {indexConfig: {`fulltext.eventually_consistent`: true}};
