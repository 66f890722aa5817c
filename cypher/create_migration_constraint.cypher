// Each migration is recorded once: a second runner's record of it fails.
// Parameters: none
CREATE CONSTRAINT migration_version IF NOT EXISTS FOR (m:Migration) REQUIRE m.version IS UNIQUE
