"""Fakes and makers shared by the tests and the benchmarks (never installed, never
imported by the product): a fake Discord in its own process (`loopback`), real
interaction payloads and an in-process recorder (`discord_fakes`, `protocol`), the real
bot started against the fake (`bots`), a PostgreSQL server started on loopback
(`postgres`), and documents made on the spot: PDFs and Word files (`documents`),
compression bombs (`bombs`)."""
