"""Species data: the schema, the strict YAML loader, loading and validating species files."""
