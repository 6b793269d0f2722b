"""Widgets = ADF / Databricks job base parameters (environment, window_start, window_end, load_id) → run params.

Same rules as pipeline/core/params.ts: window bounds are ISO dates or timestamps, reduced to the UTC ingest date;
as_of_date (gold's "today") is the window end when given, else the run day.
"""
import re
from datetime import datetime, timezone

WIDGETS = [("environment", "dev"), ("window_start", ""), ("window_end", ""), ("load_id", "")]


def read_widgets(dbutils):
    """Declares the notebook's widgets (with their defaults) and returns their values."""
    for name, default in WIDGETS:
        dbutils.widgets.text(name, default)
    return {name: dbutils.widgets.get(name) for name, _ in WIDGETS}


def window_date(value, name):
    """`2024-05-01`, `2024-05-01T10:00:00Z`, `2024-05-01T23:30:00-02:00` → the UTC date; '' → None."""
    if not value:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value
    try:
        instant = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{name} is not an ISO date or timestamp: {value}") from None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=timezone.utc)
    return instant.astimezone(timezone.utc).date().isoformat()


def run_params(widgets, now=None):
    """Widget values → the parameters of one run (the run_context relation the models read)."""
    now = now or datetime.now(timezone.utc)
    load_id = widgets.get("load_id") or "load_" + now.strftime("%Y%m%dT%H%M%S")
    if not re.fullmatch(r"[A-Za-z0-9_.=-]+", load_id):
        raise ValueError(f"invalid load id (letters, digits, _ . = - only): {load_id}")
    start = window_date(widgets.get("window_start", ""), "windowStart")
    end = window_date(widgets.get("window_end", ""), "windowEnd")
    return {
        "environment": widgets.get("environment") or "dev",
        "window_start": widgets.get("window_start", ""),
        "window_end": widgets.get("window_end", ""),
        "load_id": load_id,
        "run_at": now.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "window_start_date": start,
        "window_end_date": end,
        "as_of_date": end or now.astimezone(timezone.utc).date().isoformat(),
    }
