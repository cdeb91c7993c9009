"""Keeps ../shared/tools/validate_openapi_body.py warm for the test binary (spawned by spec_check.rs).

One JSON request per stdin line: {"spec": PATH, "args": [SELECTOR...], "body": BODY}; one JSON answer per
stdout line: {"ok": bool, "report": str}. The tool itself judges every body; this driver only saves
re-reading the 1 MB spec and re-copying it for --strict on every call, and adds `--query /method [--also name:type]`: a
Slack GET method's query parameters against the spec's `in: query` parameters (names, required, types),
which the tool does not cover. Written for this project.
"""
import contextlib, copy, io, json, os, re, runpy, sys, tempfile

TOOL = sys.argv[1]
_load, _deepcopy = json.load, copy.deepcopy
_specs, _copies = {}, {}


def cached_load(f, *args, **kw):
    # Only spec files are cached (a body is a fresh file every time).
    name = getattr(f, "name", None)
    if isinstance(name, str) and name in _specs:
        return _specs[name]
    value = _load(f, *args, **kw)
    if isinstance(name, str) and "/reference/" in name:
        _specs[name] = value
    return value


def cached_deepcopy(x, memo=None):
    # The tool deep-copies the whole spec for --strict and then only adds keys (idempotently):
    # one copy per selected schema is enough. Nested calls (memo set) copy normally.
    if memo is None and isinstance(x, dict) and ("components" in x or "definitions" in x):
        key = json.dumps({k: v for k, v in x.items() if k not in ("components", "definitions")}, sort_keys=True)
        if key not in _copies:
            _copies[key] = _deepcopy(x)
        return _copies[key]
    return _deepcopy(x, memo)


json.load, copy.deepcopy = cached_load, cached_deepcopy

QUERY_TYPES = {
    "integer": r"-?\d+",
    "number": r"-?\d+(\.\d+)?",
    "boolean": r"true|false|1|0",
}


def check_query(spec_path, args, params):
    """args: ["--query", "/method", ("--also", "name:type")...]: --also declares a parameter
    documented after the spec was frozen."""
    method = args[1]
    spec = _specs.get(spec_path) or cached_load(open(spec_path))
    op = spec["paths"].get(method, {}).get("get")
    if op is None:
        return False, f"no GET {method} in the spec"
    declared = {p["name"]: p for p in op.get("parameters", []) if p.get("in") == "query"}
    for flag, extra in zip(args[2::2], args[3::2]):
        name, _, kind = extra.partition(":")
        declared.setdefault(name, {"name": name, "type": kind})
    errors = []
    for name, value in params.items():
        if name == "token":
            errors.append("token in the query string (Slack wants it in the Authorization header)")
        elif name not in declared:
            errors.append(f"unknown query parameter `{name}`")
        elif not isinstance(value, str):
            errors.append(f"`{name}` is not a query string value: {value!r}")
        elif not re.fullmatch(QUERY_TYPES.get(declared[name].get("type"), r".*"), value, re.S):
            errors.append(f"`{name}`={value!r} is not a {declared[name].get('type')}")
    for name, p in declared.items():
        if p.get("required") and name != "token" and name not in params:
            errors.append(f"required query parameter `{name}` missing")
    if errors:
        return False, f"INVALID query of GET {method}: " + "; ".join(errors)
    return True, f"VALID query of GET {method}"


def main():
    # A temp folder of our own, removed when the test's driver ends (it is one per fake server).
    with tempfile.TemporaryDirectory(prefix="nibble-spec-") as folder:
        serve(os.path.join(folder, "body.json"))


def serve(body_path):
    for line in sys.stdin:
        request = json.loads(line)
        args = request["args"]
        if args[:1] == ["--query"]:
            ok, report = check_query(request["spec"], args, request["body"])
        else:
            with open(body_path, "w") as f:
                json.dump(request["body"], f)
            out, code = io.StringIO(), 0
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                sys.argv = [TOOL, request["spec"], *args, body_path]
                try:
                    runpy.run_path(TOOL, run_name="__main__")
                except SystemExit as e:
                    code = e.code
                except Exception as e:  # a selector the tool cannot resolve, for instance
                    code = f"{type(e).__name__}: {e}"
            ok = code in (0, None)
            report = out.getvalue() + ("" if ok or isinstance(code, int) else str(code))
        sys.stdout.write(json.dumps({"ok": ok, "report": report}) + "\n")
        sys.stdout.flush()


main()
