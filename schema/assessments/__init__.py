"""Periodic assessment, re-assessment, rectification and revocation (R-ASM-1, R-ASM-4, R-ASM-5)."""
