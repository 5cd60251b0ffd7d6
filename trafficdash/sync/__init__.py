"""The sync service: Meta entities and insights into the database, one locked run per account."""
