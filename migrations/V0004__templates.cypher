// V0004: prompt templates: unique names, version numbers unique per template, versions found
// by content hash (identical text is published once), and label moves found by id.
CREATE CONSTRAINT prompt_template_name IF NOT EXISTS FOR (t:PromptTemplate) REQUIRE t.name IS UNIQUE;
CREATE CONSTRAINT template_version_number IF NOT EXISTS FOR (v:TemplateVersion) REQUIRE (v.template_id, v.version) IS UNIQUE;
CREATE RANGE INDEX template_version_hash IF NOT EXISTS FOR (v:TemplateVersion) ON (v.template_id, v.content_hash);
CREATE CONSTRAINT labels_id IF NOT EXISTS FOR ()-[r:LABELS]-() REQUIRE r.id IS UNIQUE;
