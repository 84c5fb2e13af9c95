"""GraphQL: applications."""
