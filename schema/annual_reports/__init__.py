"""GraphQL: annual reports (R-ASM-1, R-ASM-2, R-ASM-3)."""
