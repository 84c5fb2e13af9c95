"""The funding ledger as GraphQL (R-FUND-1…4)."""
