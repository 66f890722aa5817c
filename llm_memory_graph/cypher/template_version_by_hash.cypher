// A template's version with this content, if it was published before.
// Parameters: $template_id, $content_hash
MATCH (v:TemplateVersion {template_id: $template_id, content_hash: $content_hash})
USING INDEX SEEK v:TemplateVersion(template_id, content_hash)
RETURN properties(v) AS props
