#!/usr/bin/env bash
# Installs the Databricks side's Python environment (requirements-spark.txt) into .venv/ and Delta Lake's jars
# (the versions delta-spark pins) into .spark-jars/, both git-ignored. Idempotent: a second run checks and exits.
# Spark gets the jars through `spark.jars` (notebooks/c360/session.py), so no run needs the network.
set -euo pipefail
cd "$(dirname "$0")/../.."

PYTHON="${C360_PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
DELTA_VERSION=3.2.0
SCALA=2.12
JARS=.spark-jars

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.requirements-spark.sha256"
want="$(sha256sum requirements-spark.txt | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-input -r requirements-spark.txt
  echo "$want" >"$stamp"
fi

mkdir -p "$JARS"
for artifact in "delta-spark_${SCALA}" delta-storage; do
  if [ ! -f "$JARS/${artifact}-${DELTA_VERSION}.jar" ]; then
    mvn -q -B -Dstyle.color=never dependency:copy -Dartifact="io.delta:${artifact}:${DELTA_VERSION}" -DoutputDirectory="$JARS" \
      -Dmdep.overWriteReleases=false >/dev/null
  fi
done
echo "python env: $(.venv/bin/python -c 'import pyspark, delta; print("pyspark", pyspark.__version__)'), jars: $(ls "$JARS" | tr '\n' ' ')"
