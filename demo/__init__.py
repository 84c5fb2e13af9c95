"""The demo programme (`mic seed-demo`).

The demo is a believable slice of the Guangxi programme: organisations of every kind in several
cities, the yearly calls for applications (the current one open), centres in every lifecycle state
with their alliances and application content, each centre's status history, expert reviews (one
in progress), and cultivation (task agreements, indicators, progress, inspections), and one
account per role and tenant. Everything is looked up before it is created, so seeding twice
creates nothing new, and accounts, calls, centres and alliances that already exist are never
changed. Dates are deterministic; only the open call and the newest applications are placed
relative to the day of seeding, so that the workflow looks current.

The tables (organisations, centres, plans, names, call terms, moves) are data; the seed_* modules
simulate the programme over them. Demo code is never imported by models/, policies/ or schema/.
"""

from demo.seed import seed_demo

__all__ = ["seed_demo"]
