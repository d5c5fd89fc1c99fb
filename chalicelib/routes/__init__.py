"""Chalice blueprints: parse the request, call a service, shape the answer (see routes/api.py)."""
