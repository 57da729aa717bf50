"""Scheduled runs: `gapwatch serve` registers both flows with cron schedules and serves them."""

from __future__ import annotations

from typing import Any

from prefect import serve

from flows.ingest import ingest
from flows.reprocess import reprocess
from models.config import Config, load_config


def build_deployments(config: Config, config_path: str,
                      database_url: str | None) -> tuple[Any, Any]:
    """The two deployments `serve` runs, with the config's cron schedules."""
    params = {"config_path": config_path, "database_url": database_url}
    return (
        ingest.to_deployment(name="scheduled-ingest", cron=config.schedule.ingest,
                             parameters=params, tags=["gapwatch"]),
        reprocess.to_deployment(name="scheduled-reprocess", cron=config.schedule.reprocess,
                                parameters={"database_url": database_url}, tags=["gapwatch"]),
    )


def serve_flows(config_path: str, database_url: str | None = None) -> None:
    """Block, running `ingest` and `reprocess` on the config's cron schedules.

    Needs a Prefect API (PREFECT_API_URL) to register deployments with; see README.
    """
    serve(*build_deployments(load_config(config_path), config_path, database_url))
