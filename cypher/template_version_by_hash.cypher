// A template's version with this content, if it was published before.
// Parameters: $template_id, $content_hash
MATCH (v:TemplateVersion {template_id: $template_id, content_hash: $content_hash})
USING INDEX SEEK v:TemplateVersion(template_id, content_hash)
RETURN v {.*, created_at: toString(v.created_at), closed_at: toString(v.closed_at)} AS props
