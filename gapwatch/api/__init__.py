"""gapwatch's HTTP API and dashboard (FastAPI)."""

from gapwatch.api.app import ApiSettings, create_app

__all__ = ["ApiSettings", "create_app"]
