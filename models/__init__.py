"""The domain: Tortoise models per domain and the rules that need no request.

models/ imports nothing from api/, schema/ or policies/.
"""

MODEL_MODULES = [
    "models.reference",
    "models.accounts",
    "models.calls",
    "models.centres",
    "models.audit",
    "models.documents",
    "models.reviews",
    "models.cultivation",
    "models.annual_reports",
    "models.assessments",
    "models.funding",
    "models.ip_register",
]
