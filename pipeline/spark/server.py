"""Local Spark engine: one long-lived Python process holding one SparkSession (local[N], Delta), serving the TypeScript
adapter (pipeline/spark/engine.ts) over JSON lines: requests on stdin, responses on file descriptor 3 (stdout and
stderr carry Spark's and the JVM's own output).

Each run_layer request runs the notebooks' own entry point, c360.notebook.run_notebook(spark, dbutils, layer), with
a local dbutils whose widgets are the request's widget values, and the request's zone roots as the Spark conf
c360.zone_roots (as the job cluster's c360.storage_account names the lake in Azure).
"""
import json
import os
import sys
import threading
import time
import traceback

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "notebooks"))

from c360.local import LocalDbutils  # noqa: E402
from c360.notebook import run_notebook  # noqa: E402
from c360.session import local_session  # noqa: E402

out = os.fdopen(3, "w", encoding="utf-8")


def send(message):
    out.write(json.dumps(message, default=str) + "\n")
    out.flush()


def exit_with_parent(interval=0.5):
    """Ends this process when the one that started it is gone. Node closing stdin ends the request loop, but only
    between requests: a parent killed during a long run_layer (or during start-up) left this process and its JVM
    running on, orphaned, for the rest of the run. The JVM exits by itself once this process's pipe to it closes."""
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def main():
    t0 = time.time()
    exit_with_parent()
    cores = int(os.environ.get("C360_SPARK_CORES", "2"))
    spark = local_session(REPO, cores=cores, memory=os.environ.get("C360_SPARK_MEMORY", "2g"),
                          warehouse=os.environ.get("C360_SPARK_WAREHOUSE"))
    send({"ready": True, "startupMs": int((time.time() - t0) * 1000), "sparkVersion": spark.version})
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        rid = request.get("id")
        try:
            if request["op"] == "run_layer":
                # A lake may have been removed and rebuilt at the same path since the last request (the bench resets
                # its lake between runs): no Delta log cached from before, except within one pipeline run, whose
                # later layers read the tables its earlier layers just wrote (keepDeltaCache).
                if not request.get("keepDeltaCache"):
                    spark._jvm.org.apache.spark.sql.delta.DeltaLog.clearCache()
                spark.conf.set("c360.zone_roots", json.dumps(request["zones"]))
                result = run_notebook(
                    spark, LocalDbutils(request["widgets"]), request["layer"],
                    models_dir=request.get("modelsDir"),
                    on_progress=lambda e: send({"id": rid, "progress": e}))
            elif request["op"] == "sql":
                result = [r.asDict(recursive=True) for r in spark.sql(request["query"]).collect()]
            elif request["op"] == "stop":
                send({"id": rid, "ok": True, "result": None})
                break
            else:
                raise ValueError(f"unknown op {request['op']}")
            send({"id": rid, "ok": True, "result": result})
        except Exception as e:  # noqa: BLE001 — reported to the caller, who fails the run with it
            first = str(e).strip().split("\n")[0]
            send({"id": rid, "ok": False, "error": f"{type(e).__name__}: {first}", "trace": traceback.format_exc()})
    spark.stop()


if __name__ == "__main__":
    main()
