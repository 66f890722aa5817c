// V0005: every node filter reads its matches in keyset order, (created_at, id), from an
// index on the one field it is anchored on (stores/neo4j/_compose.py), so a page is a
// bounded read from an index seek, never a scan of every node. The (field, created_at)
// indexes of V0002 are prefixes of these and go.
CREATE RANGE INDEX graph_node_type_page IF NOT EXISTS FOR (n:GraphNode) ON (n.type, n.created_at, n.id);
CREATE RANGE INDEX graph_node_conversation_page IF NOT EXISTS FOR (n:GraphNode) ON (n.conversation_id, n.created_at, n.id);
CREATE RANGE INDEX graph_node_agent_page IF NOT EXISTS FOR (n:GraphNode) ON (n.agent_id, n.created_at, n.id);
CREATE RANGE INDEX graph_node_user_page IF NOT EXISTS FOR (n:GraphNode) ON (n.user_id, n.created_at, n.id);
CREATE RANGE INDEX graph_node_name_page IF NOT EXISTS FOR (n:GraphNode) ON (n.name, n.created_at, n.id);
CREATE RANGE INDEX graph_node_tool_name_page IF NOT EXISTS FOR (n:GraphNode) ON (n.tool_name, n.created_at, n.id);
CREATE RANGE INDEX graph_node_request_model_page IF NOT EXISTS FOR (n:GraphNode) ON (n.request_model, n.created_at, n.id);
CREATE RANGE INDEX graph_node_response_model_page IF NOT EXISTS FOR (n:GraphNode) ON (n.response_model, n.created_at, n.id);
CREATE RANGE INDEX graph_node_provider_page IF NOT EXISTS FOR (n:GraphNode) ON (n.provider, n.created_at, n.id);
CREATE RANGE INDEX graph_node_status_page IF NOT EXISTS FOR (n:GraphNode) ON (n.status, n.created_at, n.id);
CREATE RANGE INDEX graph_node_finish_reason_page IF NOT EXISTS FOR (n:GraphNode) ON (n.finish_reason, n.created_at, n.id);
DROP INDEX graph_node_type IF EXISTS;
DROP INDEX graph_node_agent IF EXISTS;
DROP INDEX graph_node_user IF EXISTS;
DROP INDEX graph_node_name IF EXISTS;
DROP INDEX graph_node_tool_name IF EXISTS;
DROP INDEX graph_node_request_model IF EXISTS;
DROP INDEX graph_node_response_model IF EXISTS;
// Neo4j indexes no list elements, so metadata equality gets its index from relationships:
// each scalar metadata entry of a node is also a HAS_META self-loop {kv, created_at,
// node_id}, written with the node. Nodes written before this migration get theirs here.
CREATE RANGE INDEX has_meta_page IF NOT EXISTS FOR ()-[m:HAS_META]-() ON (m.kv, m.created_at, m.node_id);
MATCH (n:GraphNode)
WHERE size(n.meta_kv) > 0
CALL (n) {
  UNWIND n.meta_kv AS kv
  MERGE (n)-[m:HAS_META {kv: kv}]->(n)
  SET m.created_at = n.created_at, m.node_id = n.id
} IN TRANSACTIONS OF 5000 ROWS;
