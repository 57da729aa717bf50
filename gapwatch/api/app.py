"""The FastAPI application: JSON API, feeds, dashboard, and one guarded write endpoint.

Read-only by default. The only endpoint that triggers work (POST /ingest) needs
the token from GAPWATCH_API_TOKEN or the config's `settings.api_token`; without a
configured token it is disabled. CORS is off unless origins are given.
"""

from __future__ import annotations

import gc
import hmac
import os
import threading
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Header, HTTPException, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from storage.db import database_url as resolve_url
from storage.db import get_engine

STATIC_DIR = Path(__file__).resolve().parent / "static"
SWAGGER_URL = "/static/swagger"


def _swagger_dir() -> Path:
    """Swagger UI 5 (OpenAPI 3.1, which FastAPI writes) as shipped by fastapi-offline."""
    from importlib.resources import files

    return Path(str(files("fastapi_offline") / "static"))


@dataclass
class ApiSettings:
    database_url: str | None = None
    api_token: str | None = None
    cors_origins: Sequence[str] = ()
    config_path: str | None = None  # sources TOML that POST /ingest runs
    extra: dict[str, Any] = field(default_factory=dict)


def resolve_token(explicit: str | None = None, config_path: str | None = None) -> str | None:
    """Token precedence: explicit, GAPWATCH_API_TOKEN, the config's settings.api_token."""
    if explicit:
        return explicit
    env = os.environ.get("GAPWATCH_API_TOKEN")
    if env:
        return env
    if config_path:
        from models.config import load_config

        return load_config(config_path).settings.api_token
    return None


class _IngestJob:
    """At most one ingest run triggered through the API at a time."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = False
        self.last: dict[str, Any] | None = None

    def start(self, config_path: str, database_url: str | None) -> bool:
        with self.lock:
            if self.running:
                return False
            self.running = True
        threading.Thread(target=self._run, args=(config_path, database_url),
                         daemon=True).start()
        return True

    def _run(self, config_path: str, database_url: str | None) -> None:
        try:
            from flows.ingest import ingest

            self.last = {"status": "completed",
                         **ingest(config_path=config_path, database_url=database_url)}
        except Exception as exc:  # noqa: BLE001 - reported through GET /ingest
            self.last = {"status": "failed", "error": f"{type(exc).__name__}: {exc}"}
        finally:
            with self.lock:
                self.running = False


@asynccontextmanager
async def _lifespan(_app: FastAPI) -> AsyncIterator[None]:
    # Imports leave ~100k long-lived objects; a full garbage collection over them costs
    # ~26 ms and lands on whichever request triggers it. Frozen, they are skipped.
    gc.collect()
    gc.freeze()
    yield


def create_app(settings: ApiSettings | None = None) -> FastAPI:
    settings = settings or ApiSettings()
    from gapwatch.api import dashboard, feeds, routes

    # /docs is served below with Swagger UI's files from the fastapi-offline package:
    # FastAPI's default page loads them from a CDN, which an offline install cannot reach.
    app = FastAPI(title="gapwatch", version="0.1.0", lifespan=_lifespan,
                  docs_url=None, redoc_url=None,
                  description="Claims, figures and signals about the open-weight vs closed "
                              "frontier model gap. Every read takes `as_of` (no look-ahead).")
    app.state.settings = settings
    app.state.engine = get_engine(resolve_url(settings.database_url))
    app.state.token = settings.api_token
    app.state.ingest_job = _IngestJob()
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                           allow_methods=["GET"], allow_headers=[], allow_credentials=False)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Any:
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if response.headers.get("content-type", "").startswith("text/html") and \
                not request.url.path.startswith(("/docs", "/redoc")):
            response.headers.setdefault(
                "Content-Security-Policy",
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
            response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    app.include_router(routes.router)
    app.include_router(feeds.router)
    app.include_router(dashboard.router)
    # Before "/static", which would otherwise swallow these paths.
    app.mount(SWAGGER_URL, StaticFiles(directory=str(_swagger_dir())), name="swagger")
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url=app.openapi_url or "/openapi.json",
                                   title="gapwatch API",
                                   swagger_js_url=f"{SWAGGER_URL}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{SWAGGER_URL}/swagger-ui.css",
                                   swagger_favicon_url=f"{SWAGGER_URL}/favicon.png")

    def require_token(authorization: str | None) -> None:
        token = app.state.token
        if not token:
            raise HTTPException(status_code=403, detail="writes are disabled: no API token "
                                                        "configured (GAPWATCH_API_TOKEN)")
        given = ""
        if authorization and authorization.lower().startswith("bearer "):
            given = authorization[7:].strip()
        if not hmac.compare_digest(given.encode(), str(token).encode()):
            raise HTTPException(status_code=401, detail="missing or wrong token",
                                headers={"WWW-Authenticate": "Bearer"})

    @app.post("/ingest", status_code=202, tags=["admin"])
    def trigger_ingest(authorization: Annotated[str | None, Header(max_length=500)] = None,
                       ) -> dict[str, Any]:
        """Start an ingest run of the server's config (needs `Authorization: Bearer <token>`)."""
        require_token(authorization)
        if not settings.config_path:
            raise HTTPException(status_code=409, detail="the server was started without "
                                                        "--config; nothing to ingest")
        if not app.state.ingest_job.start(settings.config_path, settings.database_url):
            raise HTTPException(status_code=409, detail="an ingest run is already in progress")
        return {"status": "started"}

    @app.get("/ingest", tags=["admin"])
    def ingest_status(authorization: Annotated[str | None, Header(max_length=500)] = None,
                      ) -> dict[str, Any]:
        """The state of the last API-triggered ingest run (needs the token)."""
        require_token(authorization)
        job = app.state.ingest_job
        return {"running": job.running, "last": job.last}

    return app
