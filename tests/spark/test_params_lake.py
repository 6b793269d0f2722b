"""Widgets → run parameters, and zone roots from the Spark conf (no Spark needed)."""
from datetime import datetime, timezone

import pytest
from c360.lake import ZONES, lake_paths
from c360.params import run_params
from c360.vocabulary import EVENT_TYPES, SOURCE_SYSTEMS
from conftest import REPO


class Conf:
    def __init__(self, values):
        self.values = values

    def get(self, key, default=None):
        return self.values.get(key, default)


class Spark:
    def __init__(self, values):
        self.conf = Conf(values)


NOW = datetime(2024, 5, 3, 10, 0, tzinfo=timezone.utc)


def test_window_timestamps_become_utc_ingest_dates_and_as_of_is_the_window_end():
    p = run_params({"window_start": "2024-05-01", "window_end": "2024-05-02T23:30:00-02:00", "load_id": "L1"}, NOW)
    assert (p["window_start_date"], p["window_end_date"], p["as_of_date"]) == ("2024-05-01", "2024-05-03", "2024-05-03")
    assert p["run_at"] == "2024-05-03T10:00:00.000Z"
    assert run_params({}, NOW)["load_id"] == "load_20240503T100000"
    assert run_params({}, NOW)["as_of_date"] == "2024-05-03"


def test_bad_widget_values_are_errors_naming_the_value():
    with pytest.raises(ValueError, match="windowStart is not an ISO date or timestamp: yesterday"):
        run_params({"window_start": "yesterday"}, NOW)
    with pytest.raises(ValueError, match="invalid load id"):
        run_params({"load_id": "a/b"}, NOW)


def test_azure_one_container_per_zone_in_the_stacks_lake_account():
    root = lake_paths(Spark({"c360.storage_account": "stc360lakedev"}))
    assert [root(z) for z in ["landing", "gold", "control"]] == [
        "abfss://landing@stc360lakedev.dfs.core.windows.net",
        "abfss://gold@stc360lakedev.dfs.core.windows.net",
        "abfss://control@stc360lakedev.dfs.core.windows.net",
    ]


def test_explicit_zone_roots_and_a_single_root():
    roots = {z: f"/data/acct/c{i}/" for i, z in enumerate(ZONES)}
    import json

    root = lake_paths(Spark({"c360.zone_roots": json.dumps(roots)}))
    assert root("landing") == "/data/acct/c0" and root("control") == "/data/acct/c5"
    assert lake_paths(Spark({"c360.lake_root": "/mnt/lake/"}))("gold") == "/mnt/lake/gold"


def test_no_lake_configured_is_an_error_naming_the_setting():
    with pytest.raises(ValueError, match="c360.storage_account"):
        lake_paths(Spark({}))
    with pytest.raises(ValueError, match="zone roots missing for quarantine, control"):
        lake_paths(Spark({"c360.zone_roots": '{"landing": "a", "bronze": "b", "silver": "c", "gold": "d"}'}))


def test_vocabulary_matches_the_contracts():
    text = open(f"{REPO}/contracts/vocabulary.ts", encoding="utf-8").read()
    for name, values in [("EVENT_TYPES", EVENT_TYPES), ("SOURCE_SYSTEMS", SOURCE_SYSTEMS)]:
        block = text[text.index(f"export const {name} = ["):]
        block = block[: block.index("]")]
        assert [v for v in values if f'"{v}"' in block] == values and block.count('"') == 2 * len(values)
