// Anchor: the nodes a full-text search found, by id ($anchor), each one seek of the
// unique id index; the page's order is then a sort of these hits.
// Parameters: $anchor
UNWIND $anchor AS anchor
MATCH (n:GraphNode)
USING INDEX SEEK n:GraphNode(id)
WHERE n.id = anchor
  // conditions
RETURN n
