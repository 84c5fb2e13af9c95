"""Who may do what: the Casbin matrix, per-request decisions and tenant scopes.

policies/ imports models/ and nothing from schema/ or api/.
"""
