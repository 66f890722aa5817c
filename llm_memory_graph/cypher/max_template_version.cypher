// A template's newest version number (null before the first).
// Parameters: $template_id
OPTIONAL MATCH (v:TemplateVersion {template_id: $template_id})
RETURN max(v.version) AS version
