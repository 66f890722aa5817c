// V0007: a template's versions are found from an index on template_id, read in keyset
// order, like every other filter (V0005), rather than among every version of every template.
CREATE RANGE INDEX graph_node_template_page IF NOT EXISTS FOR (n:GraphNode) ON (n.template_id, n.created_at, n.id);
