// V0008: two nodes hold one relationship of each type but TRANSFERS_TO and LABELS, from
// source to target. Before, every caller-added relationship got a fresh id, so a retried
// call or a re-run batch added a second one; now its id is derived from its type and ends,
// and a write finds an existing one by its ends (cypher/upsert_read.cypher). This removes
// the duplicates written before: the earliest of each pair stays. Node by node, in
// transactions of their own, so a large graph is never held in one; a run cut short is
// finished by the next (a pair left with one relationship matches nothing).
MATCH (s:GraphNode)
CALL (s) {
  MATCH (s)-[r:GENERATES|TRIGGERS|REFERENCES|DEPENDS_ON|DERIVED_FROM|INSTANTIATES|INHERITS|RATES|CONTAINS|PRECEDES|HANDLED_BY]->(t:GraphNode)
  WITH type(r) AS kind, t, r
  ORDER BY r.created_at, r.id
  WITH kind, t, collect(r) AS found
  WHERE size(found) > 1
  UNWIND tail(found) AS extra
  DELETE extra
} IN TRANSACTIONS OF 1000 ROWS;
