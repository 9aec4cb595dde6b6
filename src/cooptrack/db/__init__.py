"""The database: its one connection per process, its schema and migrations, backups."""
