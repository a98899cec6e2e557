"""The only place with SQL: database, tables (the one schema), schema versions, migrations."""
