"""Plans: the parsed model, the parser, the plan library (registry, cache, import)."""
