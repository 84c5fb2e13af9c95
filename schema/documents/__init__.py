"""GraphQL: documents attached to records."""
