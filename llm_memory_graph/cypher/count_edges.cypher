// Relationships per type, read from the count store (no scan).
// Parameters: none
MATCH ()-[r:CONTAINS]->()
RETURN 'CONTAINS' AS type, count(r) AS count
UNION ALL
MATCH ()-[r:PRECEDES]->()
RETURN 'PRECEDES' AS type, count(r) AS count
UNION ALL
MATCH ()-[r:GENERATES]->()
RETURN 'GENERATES' AS type, count(r) AS count
UNION ALL
MATCH ()-[r:TRIGGERS]->()
RETURN 'TRIGGERS' AS type, count(r) AS count
UNION ALL
MATCH ()-[r:REFERENCES]->()
RETURN 'REFERENCES' AS type, count(r) AS count
UNION ALL
MATCH ()-[r:DEPENDS_ON]->()
RETURN 'DEPENDS_ON' AS type, count(r) AS count
UNION ALL
MATCH ()-[r:DERIVED_FROM]->()
RETURN 'DERIVED_FROM' AS type, count(r) AS count
UNION ALL
MATCH ()-[r:INSTANTIATES]->()
RETURN 'INSTANTIATES' AS type, count(r) AS count
UNION ALL
MATCH ()-[r:INHERITS]->()
RETURN 'INHERITS' AS type, count(r) AS count
UNION ALL
MATCH ()-[r:HANDLED_BY]->()
RETURN 'HANDLED_BY' AS type, count(r) AS count
UNION ALL
MATCH ()-[r:TRANSFERS_TO]->()
RETURN 'TRANSFERS_TO' AS type, count(r) AS count
UNION ALL
MATCH ()-[r:RATES]->()
RETURN 'RATES' AS type, count(r) AS count
UNION ALL
MATCH ()-[r:LABELS]->()
RETURN 'LABELS' AS type, count(r) AS count
