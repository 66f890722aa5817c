// Nodes per type, read from the count store (no scan).
// Parameters: none
MATCH (n:Conversation)
RETURN 'Conversation' AS type, count(n) AS count
UNION ALL
MATCH (n:Prompt)
RETURN 'Prompt' AS type, count(n) AS count
UNION ALL
MATCH (n:Completion)
RETURN 'Completion' AS type, count(n) AS count
UNION ALL
MATCH (n:ToolInvocation)
RETURN 'ToolInvocation' AS type, count(n) AS count
UNION ALL
MATCH (n:Agent)
RETURN 'Agent' AS type, count(n) AS count
UNION ALL
MATCH (n:Document)
RETURN 'Document' AS type, count(n) AS count
UNION ALL
MATCH (n:Context)
RETURN 'Context' AS type, count(n) AS count
UNION ALL
MATCH (n:Feedback)
RETURN 'Feedback' AS type, count(n) AS count
UNION ALL
MATCH (n:PromptTemplate)
RETURN 'PromptTemplate' AS type, count(n) AS count
UNION ALL
MATCH (n:TemplateVersion)
RETURN 'TemplateVersion' AS type, count(n) AS count
