// Nodes per type, read from the count store (no scan). Each count is taken before the
// type is added: a grouping key over no rows would drop a type with no nodes.
// Parameters: none
MATCH (n:Conversation)
WITH count(n) AS count
RETURN 'Conversation' AS type, count
UNION ALL
MATCH (n:Prompt)
WITH count(n) AS count
RETURN 'Prompt' AS type, count
UNION ALL
MATCH (n:Completion)
WITH count(n) AS count
RETURN 'Completion' AS type, count
UNION ALL
MATCH (n:ToolInvocation)
WITH count(n) AS count
RETURN 'ToolInvocation' AS type, count
UNION ALL
MATCH (n:Agent)
WITH count(n) AS count
RETURN 'Agent' AS type, count
UNION ALL
MATCH (n:Document)
WITH count(n) AS count
RETURN 'Document' AS type, count
UNION ALL
MATCH (n:Context)
WITH count(n) AS count
RETURN 'Context' AS type, count
UNION ALL
MATCH (n:Feedback)
WITH count(n) AS count
RETURN 'Feedback' AS type, count
UNION ALL
MATCH (n:PromptTemplate)
WITH count(n) AS count
RETURN 'PromptTemplate' AS type, count
UNION ALL
MATCH (n:TemplateVersion)
WITH count(n) AS count
RETURN 'TemplateVersion' AS type, count
