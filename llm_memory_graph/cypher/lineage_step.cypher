// One level of a lineage walk: the nodes one provenance step from the frontier.
// $to_source lists the types crossed from an edge's target to its source, $to_target the
// types crossed the other way. Edges recording another conversation than $scope (a
// hand-off between shared agents) are not followed when $scope is given.
// Parameters: $frontier, $to_source, $to_target, $scope
UNWIND $frontier AS id
MATCH (a:GraphNode {id: id})
USING INDEX SEEK a:GraphNode(id)
CALL (a) {
  MATCH (a)<-[r]-(b:GraphNode)
  WHERE type(r) IN $to_source
    AND ($scope IS NULL OR r.conversation_id IS NULL OR r.conversation_id = $scope)
  RETURN b
  UNION
  MATCH (a)-[r]->(b:GraphNode)
  WHERE type(r) IN $to_target
    AND ($scope IS NULL OR r.conversation_id IS NULL OR r.conversation_id = $scope)
  RETURN b
}
RETURN DISTINCT b.id AS id
