"""The HTTP door: a versioned JSON API over the services (FastAPI)."""
