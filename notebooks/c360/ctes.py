"""Common table expressions a model names more than once, materialized once (as DuckDB does).

Spark inlines every deterministic CTE at each reference. A model whose CTEs build on each other (the four
unrolled label-propagation rounds of silver.customer_identity: each round reads the previous one two or three
times) then becomes a plan with hundreds of copies of its base, which the optimizer did not finish in 20 minutes.
DuckDB materializes a CTE read more than once; this module does the same on Spark: the model's leading WITH is
split into its CTEs, each one read more than once becomes a checkpointed temp view (computed once), the others
plain temp views (inlined where read), and the final SELECT runs over them. The SQL itself is unchanged.
"""
import re


def _skip(sql, i):
    """Index after a string literal or comment starting at i, or i when there is none."""
    if sql.startswith("--", i):
        end = sql.find("\n", i)
        return len(sql) if end < 0 else end + 1
    if sql[i] in "'\"`":
        quote, j = sql[i], i + 1
        while j < len(sql):
            if sql[j] == quote:
                if j + 1 < len(sql) and sql[j + 1] == quote:
                    j += 2
                    continue
                return j + 1
            j += 2 if sql[j] == "\\" else 1
        return len(sql)
    return i


def _blank_comments(sql, strings=False):
    """Comments (and, with strings=True, string literals) replaced by spaces; positions unchanged."""
    out, i = [], 0
    while i < len(sql):
        j = _skip(sql, i)
        if j == i:
            out.append(sql[i])
            i += 1
        else:
            out.append(" " * (j - i) if strings or sql.startswith("--", i) else sql[i:j])
            i = j
    return "".join(out)


def split_ctes(sql):
    """`WITH a AS (...), b AS (...) SELECT ...` → ([(a, body), (b, body)], final SELECT); ([], sql) otherwise."""
    text = _blank_comments(sql)
    m = re.match(r"\s*WITH\s+", text, re.IGNORECASE)
    if not m:
        return [], sql
    ctes, i = [], m.end()
    while True:
        head = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s+AS\s*\(", re.IGNORECASE).match(text, i)
        if not head:
            return [], sql
        start, depth, j = head.end(), 1, head.end()
        while depth and j < len(text):
            k = _skip(text, j)
            if k != j:
                j = k
                continue
            depth += {"(": 1, ")": -1}.get(text[j], 0)
            j += 1
        if depth:
            return [], sql
        ctes.append((head.group(1), text[start:j - 1]))
        comma = re.compile(r"\s*,").match(text, j)
        if not comma:
            return ctes, text[j:]
        i = comma.end()


def references(name, sql):
    """How many times `sql` reads `name` as a relation (after FROM or JOIN)."""
    pattern = rf"\b(?:FROM|JOIN)\s+{re.escape(name)}(?![\w.])"
    return len(re.findall(pattern, _blank_comments(sql, strings=True), re.IGNORECASE))


def register_ctes(spark, sql):
    """Registers the model's CTEs as temp views under their own names (models read every table by its qualified
    name, so a CTE's name never hides one), those read more than once checkpointed; returns the final SELECT and
    the view names to drop afterwards."""
    ctes, final = split_ctes(sql)
    views = []
    for idx, (name, body) in enumerate(ctes):
        later = [b for _, b in ctes[idx + 1:]] + [final]
        df = spark.sql(body)
        if sum(references(name, s) for s in later) > 1:
            df = df.localCheckpoint()
        df.createOrReplaceTempView(name)
        views.append(name)
    return (final if ctes else sql), views
