"""The landing vocabulary (contracts/vocabulary.ts): only these sources and event types are read from landing."""

EVENT_TYPES = ["customer_profile", "order", "behavioral_event", "support_interaction", "product"]
SOURCE_SYSTEMS = ["crm", "ecommerce", "pos", "mobile_app", "web", "support", "catalog"]
LAYERS = ["bronze", "silver", "gold"]
ZONES = ["landing", "bronze", "silver", "gold", "quarantine", "control"]
