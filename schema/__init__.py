"""The GraphQL face of mic: one folder per domain, merged in root.py."""
