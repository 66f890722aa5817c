// Relationships per type, read from the count store (no scan). Each count is taken before
// the type is added: a grouping key over no rows would drop a type with no relationships.
// Parameters: none
MATCH ()-[r:CONTAINS]->()
WITH count(r) AS count
RETURN 'CONTAINS' AS type, count
UNION ALL
MATCH ()-[r:PRECEDES]->()
WITH count(r) AS count
RETURN 'PRECEDES' AS type, count
UNION ALL
MATCH ()-[r:GENERATES]->()
WITH count(r) AS count
RETURN 'GENERATES' AS type, count
UNION ALL
MATCH ()-[r:TRIGGERS]->()
WITH count(r) AS count
RETURN 'TRIGGERS' AS type, count
UNION ALL
MATCH ()-[r:REFERENCES]->()
WITH count(r) AS count
RETURN 'REFERENCES' AS type, count
UNION ALL
MATCH ()-[r:DEPENDS_ON]->()
WITH count(r) AS count
RETURN 'DEPENDS_ON' AS type, count
UNION ALL
MATCH ()-[r:DERIVED_FROM]->()
WITH count(r) AS count
RETURN 'DERIVED_FROM' AS type, count
UNION ALL
MATCH ()-[r:INSTANTIATES]->()
WITH count(r) AS count
RETURN 'INSTANTIATES' AS type, count
UNION ALL
MATCH ()-[r:INHERITS]->()
WITH count(r) AS count
RETURN 'INHERITS' AS type, count
UNION ALL
MATCH ()-[r:HANDLED_BY]->()
WITH count(r) AS count
RETURN 'HANDLED_BY' AS type, count
UNION ALL
MATCH ()-[r:TRANSFERS_TO]->()
WITH count(r) AS count
RETURN 'TRANSFERS_TO' AS type, count
UNION ALL
MATCH ()-[r:RATES]->()
WITH count(r) AS count
RETURN 'RATES' AS type, count
UNION ALL
MATCH ()-[r:LABELS]->()
WITH count(r) AS count
RETURN 'LABELS' AS type, count
