"""GraphQL: cultivation."""
