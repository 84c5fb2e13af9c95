"""GraphQL: the regulatory calendar (R-ASM-6) and its iCalendar feed's URL."""
