"""A local stand-in for the parts of Databricks' dbutils the runtime uses: widgets (the job's base parameters) and
fs.ls / put / rm / mv on local paths. Everything else runs as on Databricks (Spark, Delta)."""
import os
from collections import namedtuple

FileInfo = namedtuple("FileInfo", ["path", "name", "size"])


def _local(path):
    return path[len("file:"):] if path.startswith("file:") else path


class Widgets:
    def __init__(self, values):
        self.values = dict(values)

    def text(self, name, default):
        self.values.setdefault(name, default)

    def get(self, name):
        return self.values[name]


class LocalFs:
    def ls(self, path):
        p = _local(path)
        if not os.path.exists(p):
            raise FileNotFoundError(f"java.io.FileNotFoundException: {path} does not exist")
        if os.path.isfile(p):
            return [FileInfo(path, os.path.basename(p), os.path.getsize(p))]
        out = []
        for name in sorted(os.listdir(p)):
            full = os.path.join(p, name)
            is_dir = os.path.isdir(full)
            out.append(FileInfo(full + ("/" if is_dir else ""), name + ("/" if is_dir else ""),
                                0 if is_dir else os.path.getsize(full)))
        return out

    def put(self, path, contents, overwrite=False):
        p = _local(path)
        if os.path.exists(p) and not overwrite:
            raise FileExistsError(f"{path} exists")
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p + ".tmp", "w", encoding="utf-8", newline="") as f:
            f.write(contents)
        os.replace(p + ".tmp", p)
        return True

    def rm(self, path, recurse=False):
        p = _local(path)
        if os.path.isdir(p):
            if not recurse:
                raise IsADirectoryError(path)
            import shutil

            shutil.rmtree(p)
        elif os.path.exists(p):
            os.remove(p)
        return True

    def mv(self, src, dst, recurse=False):
        os.makedirs(os.path.dirname(_local(dst)), exist_ok=True)
        os.replace(_local(src), _local(dst))
        return True


class LocalDbutils:
    def __init__(self, widgets):
        self.widgets = Widgets(widgets)
        self.fs = LocalFs()
