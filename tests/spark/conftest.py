"""pytest suite of the Databricks runtime (notebooks/c360/): one local SparkSession for the whole run, configured
like the job cluster (local[2], UTC, Delta, the confs every run sets)."""
import os
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "notebooks"))

from c360.lake import ZONES  # noqa: E402
from c360.local import LocalDbutils  # noqa: E402


@pytest.fixture(scope="session")
def spark(tmp_path_factory):
    from c360.session import local_session

    session = local_session(REPO, warehouse=str(tmp_path_factory.mktemp("warehouse")))
    yield session
    session.stop()


@pytest.fixture
def zones(tmp_path):
    """A lake laid out as in Azure: one root per zone, none of whose paths contains the zone's name."""
    roots = {zone: str(tmp_path / "acct" / f"c{i + 1}") for i, zone in enumerate(ZONES)}
    for root in roots.values():
        os.makedirs(root)
    return roots


def dbutils(**widgets):
    return LocalDbutils({"environment": "local", "window_start": "", "window_end": "", "load_id": "", **widgets})


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
