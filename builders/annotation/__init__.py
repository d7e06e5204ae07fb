"""annotation.yaml: safe YAML, quotes resolved to offsets, time values, records, links."""
