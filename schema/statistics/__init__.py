"""Programme statistics as GraphQL (R-CTR-6, R-ACC-5)."""
