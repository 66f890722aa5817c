// The newest migration applied to this database (null before the first).
// Parameters: none
OPTIONAL MATCH (m:Migration)
RETURN max(m.version) AS version
