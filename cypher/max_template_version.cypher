// A template's newest version number (null before the first).
// Parameters: $template_id
OPTIONAL MATCH (v:TemplateVersion)
USING INDEX SEEK v:TemplateVersion(template_id, version)
WHERE v.template_id = $template_id AND v.version IS NOT NULL
RETURN max(v.version) AS version
