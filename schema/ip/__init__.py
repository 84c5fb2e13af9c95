"""GraphQL: the IP-sharing register (R-IP-1…4)."""
