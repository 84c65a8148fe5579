"""Use cases the CLI calls: align with overrides, many plans at once."""
