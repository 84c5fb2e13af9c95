"""The compiled read path: hot connections planned into SQL that builds their JSON.

selection.py (fields as graphql-core collects them), catalogue.py (what each compiled type
reads, and through which scope), dialect.py (JSON in PostgreSQL and SQLite), plan.py (a
selection into one SQL expression), connection.py (the page, its cursors and pageInfo),
executor.py (graphql-core takes the answer as it is).
"""
