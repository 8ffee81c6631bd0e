"""diplobrief's engine: corpus parsing, tokens, index, search and excerpts (no Discord)."""
