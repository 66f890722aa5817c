// Record that a migration script has been applied.
// Parameters: $version, $name, $checksum
CREATE (:Migration {version: $version, name: $name, checksum: $checksum, applied_at: datetime()})
