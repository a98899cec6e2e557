"""Import and export: the columns, file sources, row checks, the staged importer, the
exporter, spreadsheet formulas and redaction."""
