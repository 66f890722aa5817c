// Tail: how many nodes match.
// Parameters: none
RETURN count(n) AS count
