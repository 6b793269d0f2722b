"""SQL models: models/<layer>/<name>.sql with a "-- @key value" header (same parser as pipeline/models.ts)."""
import json
import os
import re

from .vocabulary import LAYERS


def repo_root():
    """The folder holding models/ and contracts/: the notebooks live in <repo>/notebooks (Databricks Git folders
    and the workspace upload keep that layout); this file is <repo>/notebooks/c360/models.py."""
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _split(value):
    return [s.strip() for s in (value or "").split(",") if s.strip()]


def parse_model(layer, path, text=None):
    text = open(path, encoding="utf-8").read() if text is None else text
    meta, expectations = {}, []
    for line in text.split("\n"):
        m = re.match(r"^--\s*@(\w+)\s+(.*)$", line.strip())
        if not m:
            continue
        key, value = m.group(1), m.group(2).strip()
        if key == "expect":
            e = re.match(r"^(warn|drop|fail)\s+([a-z_]+)\s+([a-z0-9_]+)\s*:\s*(.+)$", value)
            if not e:
                raise ValueError(f"{path}: malformed @expect: {value}")
            expectations.append({"action": e.group(1), "code": e.group(2), "name": e.group(3),
                                 "condition": e.group(4).strip()})
        else:
            meta[key] = value
    name = os.path.basename(path)[:-4]
    schema = meta.get("catalog_schema", layer)
    if schema != layer and (not re.match(r"^[a-z][a-z0-9_]*$", schema) or schema in LAYERS):
        raise ValueError(f"{path}: @catalog_schema {schema} must be a lower-case name other than a layer's")
    model = {
        "id": f"{layer}.{name}", "layer": layer, "name": name, "sql": re.sub(r";\s*$", "", text),
        # the metastore table: a model with @catalog_schema is registered apart from its layer's schema, so Unity
        # Catalog grants reach it separately (gold.customer_contacts → gold_contacts.customer_contacts; docs/infra.md)
        "table": f"{schema}.{name}",
        "materialized": meta.get("materialized", "full"), "unique_key": _split(meta.get("unique_key")),
        "update_when": meta.get("update_when"), "valid_from": meta.get("valid_from"), "compare": meta.get("compare"),
        "erase_by": _split(meta.get("erase_by")), "zorder": _split(meta.get("zorder")),
        "inputs": _split(meta.get("inputs")), "expectations": expectations, "export": meta.get("export"),
    }
    kind = model["materialized"]
    if kind not in ("full", "incremental", "scd2", "view"):
        raise ValueError(f"{path}: unknown materialization {kind}")
    if kind == "view" and (expectations or model["erase_by"]):
        raise ValueError(f"{path}: a view holds no rows of its own: no @expect or @erase_by (put them on its readers)")
    if kind in ("incremental", "scd2") and not model["unique_key"]:
        raise ValueError(f"{path}: {kind} needs @unique_key")
    if kind == "scd2" and not (model["valid_from"] and model["compare"]):
        raise ValueError(f"{path}: scd2 needs @valid_from and @compare")
    return model


def catalog_tables(models_dir=None):
    """{(layer, name): metastore table} of the models registered outside their layer's schema (@catalog_schema)."""
    root = models_dir or os.path.join(repo_root(), "models")
    out = {}
    for layer in LAYERS:
        folder = os.path.join(root, layer)
        for f in sorted(os.listdir(folder)):
            if f.endswith(".sql"):
                m = parse_model(layer, os.path.join(folder, f))
                if m["table"] != m["id"]:
                    out[(layer, m["name"])] = m["table"]
    return out


def load_models(layer, models_dir=None):
    """Models of one layer in dependency order (inputs from the same layer first), ties by name."""
    if layer not in LAYERS:
        raise ValueError(f"unknown layer {layer}")
    folder = os.path.join(models_dir or os.path.join(repo_root(), "models"), layer)
    models = [parse_model(layer, os.path.join(folder, f)) for f in sorted(os.listdir(folder)) if f.endswith(".sql")]
    by_id, state, ordered = {m["id"]: m for m in models}, {}, []

    def visit(m):
        if state.get(m["id"]) == "done":
            return
        if state.get(m["id"]) == "visiting":
            raise ValueError(f"dependency cycle at {m['id']}")
        state[m["id"]] = "visiting"
        for i in m["inputs"]:
            if i in by_id:
                visit(by_id[i])
        state[m["id"]] = "done"
        ordered.append(m)

    for m in models:
        visit(m)
    return ordered


MODEL_EVENT_TYPES = {
    "silver.orders": "order",
    "silver.customers": "customer_profile",
    "silver.behavioral_events": "behavioral_event",
    "silver.support_interactions": "support_interaction",
    "silver.products": "product",
}


def contract_fields(event_type, root=None):
    """Payload field names of every version of an event type, from contracts/schemas/<type>/<version>.json."""
    folder = os.path.join(root or repo_root(), "contracts", "schemas", event_type)
    fields = set()
    for name in sorted(os.listdir(folder)):
        if name.endswith(".json"):
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                fields.update(json.load(f)["properties"]["payload"]["properties"].keys())
    return fields


def check_contracts(models, root=None):
    """Fail fast when a silver model's known payload fields miss a contract field (the contracts drifted): the
    model parses the whole payload as a map, and a field it does not know would only show up as rescued."""
    for model in models:
        event_type = MODEL_EVENT_TYPES.get(model["id"])
        if not event_type:
            continue
        # The known fields of the rescued-fields fragment (models/fragments.ts): split('<field>,<field>,...', ',').
        lists = re.findall(r"split\('([A-Za-z,]+)', ','\)", model["sql"])
        known = {f for s in lists for f in s.split(",")}
        missing = contract_fields(event_type, root) - known
        if missing:
            raise RuntimeError(f"{model['id']}: known payload fields lack contract fields {sorted(missing)}")


def view_name(model):
    """Spark temp views cannot live in a schema: silver.event_deliveries is the temp view silver__event_deliveries."""
    return f"{model['layer']}__{model['name']}"


def with_views(models):
    """View models (@materialized view) of a layer → (CREATE TEMP VIEW statements, the other models with their
    references to the views renamed). A temp view, not a catalog view: it reads the run_context and
    control_erasure temp views, which a permanent view may not."""
    views = [m for m in models if m["materialized"] == "view"]
    statements = [f"CREATE OR REPLACE TEMP VIEW {view_name(v)} AS {v['sql']}" for v in views]
    renamed = []
    for m in models:
        if m["materialized"] == "view":
            continue
        sql = m["sql"]
        for v in views:
            sql = re.sub(rf"\b{v['layer']}\.{v['name']}\b", view_name(v), sql)
        renamed.append({**m, "sql": sql})
    return statements, renamed
