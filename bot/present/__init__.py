"""Pure presentation shared by both faces: text helpers (escaping, truncation, plurals)
and the terminal text and JSON of engine results. No discord import, no I/O."""
