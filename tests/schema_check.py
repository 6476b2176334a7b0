#!/usr/bin/env python3
"""Validate cowpin counterexample traces against counterexamples/trace.schema.json.

Usage: schema_check.py SCHEMA TRACE_OR_DIR [TRACE_OR_DIR ...]

Every *.json file given, or directly inside a directory given, is validated with
jsonschema.Draft202012Validator (the schema file itself is skipped). One line per file:
"ok FILE" or "FAIL FILE: at PATH: MESSAGE" (one line per error), then "N passed, N failed".
Exit status: 0 if every file passed, 1 if any failed or no trace was found, 2 on bad usage
or an invalid schema.
"""

import json
import sys
from pathlib import Path

try:
    import jsonschema
except ImportError:  # pragma: no cover - reported, not raised
    print("schema_check.py: the jsonschema module is not installed", file=sys.stderr)
    sys.exit(2)

SCHEMA_NAME = "trace.schema.json"


def collect(args):
    files = []
    for arg in args:
        p = Path(arg)
        if p.is_dir():
            files.extend(sorted(f for f in p.iterdir() if f.is_file() and f.suffix == ".json"))
        else:
            files.append(p)  # a missing file is reported as a failure below
    return [f for f in files if f.name != SCHEMA_NAME]


def location(error):
    return "/" + "/".join(str(part) for part in error.absolute_path)


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    try:
        schema = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
    except (OSError, ValueError, jsonschema.exceptions.SchemaError) as e:
        print(f"schema_check.py: {argv[1]}: not a usable schema: {e}", file=sys.stderr)
        return 2
    validator = jsonschema.Draft202012Validator(schema)

    files = collect(argv[2:])
    passed = failed = 0
    for f in files:
        try:
            trace = json.loads(f.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            print(f"FAIL {f}: cannot read JSON: {e}")
            failed += 1
            continue
        errors = sorted(validator.iter_errors(trace), key=lambda e: list(e.absolute_path))
        if errors:
            failed += 1
            for e in errors:
                message = e.message if len(e.message) <= 300 else e.message[:297] + "..."
                print(f"FAIL {f}: at {location(e)}: {message}")
        else:
            passed += 1
            print(f"ok {f}")
    print(f"{passed} passed, {failed} failed")
    if not files:
        print("schema_check.py: no trace files found", file=sys.stderr)
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
