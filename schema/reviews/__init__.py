"""GraphQL: reviews."""
