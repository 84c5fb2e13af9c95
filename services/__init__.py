"""Domain operations: the one home of every write the programme makes.

GraphQL resolvers, the HTTP document routes and the `mic` CLI call these functions.
"""
