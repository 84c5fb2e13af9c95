"""GraphQL: centres."""
