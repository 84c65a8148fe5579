"""Text steps: normalise noisy web/PDF text, Chinese numerals, tokenise (str -> str / tokens)."""
