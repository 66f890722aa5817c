// V0003: a full-text index over what people search for in prompts, answers and sources.
CREATE FULLTEXT INDEX content_text IF NOT EXISTS
FOR (n:Prompt|Completion|Document|Context) ON EACH [n.content, n.title];
