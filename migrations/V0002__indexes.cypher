// V0002: range indexes for what queries filter and order on.
// Keyset pages order by (created_at, id); filters look nodes up by conversation, agent,
// user, name, model and type; transcripts read a conversation in sequence order.
CREATE RANGE INDEX graph_node_created IF NOT EXISTS FOR (n:GraphNode) ON (n.created_at, n.id);
CREATE RANGE INDEX graph_node_type IF NOT EXISTS FOR (n:GraphNode) ON (n.type, n.created_at);
CREATE RANGE INDEX graph_node_conversation IF NOT EXISTS FOR (n:GraphNode) ON (n.conversation_id, n.sequence);
CREATE RANGE INDEX graph_node_agent IF NOT EXISTS FOR (n:GraphNode) ON (n.agent_id, n.created_at);
CREATE RANGE INDEX graph_node_user IF NOT EXISTS FOR (n:GraphNode) ON (n.user_id, n.created_at);
CREATE RANGE INDEX graph_node_name IF NOT EXISTS FOR (n:GraphNode) ON (n.name);
CREATE RANGE INDEX graph_node_tool_name IF NOT EXISTS FOR (n:GraphNode) ON (n.tool_name);
CREATE RANGE INDEX graph_node_request_model IF NOT EXISTS FOR (n:GraphNode) ON (n.request_model, n.created_at);
CREATE RANGE INDEX graph_node_response_model IF NOT EXISTS FOR (n:GraphNode) ON (n.response_model, n.created_at);
CREATE RANGE INDEX transfers_to_conversation IF NOT EXISTS FOR ()-[r:TRANSFERS_TO]-() ON (r.conversation_id);
