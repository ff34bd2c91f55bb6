"""Benchmark (not a test): importing large interchange documents, on SQLite and on PostgreSQL.

For each database and each size, a child process gets a fresh database (a temporary SQLite file, or
the PostgreSQL database ``maillage_bench_bulkimport`` dropped and created again), migrates it, builds
the document of N actions (``maillage.interchange.tests.generated.large_document``: 2 indicators and
10 values per action, partners, budget lines, nodes, programmes, governance, diagnostic), writes it
as JSON text, then times what ``maillage import FILE.json`` does: parse, validate (schema and rules),
write. It prints the queries, the time of each phase, actions/s and the peak resident memory of the
child; then ``--replace`` of the same document over the project just written, and checks that the
export of the imported project is the document itself (the round trip).

    .venv/bin/python bench/interchange_import_bench.py [--sizes 1000,10000] [--databases sqlite,postgres]
    .venv/bin/python bench/interchange_import_bench.py --validators [--sizes 10000]

``--validators`` compares the JSON Schema validators on the same document instead (no database).
PostgreSQL is reached at ``BENCH_POSTGRES_URL`` (default postgres://postgres@127.0.0.1:5432/).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/")
POSTGRES_DB = "maillage_bench_bulkimport"


def _setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def child(size: int, database_url: str) -> dict:
    """One measure, in its own process: fresh database, import, replace, round trip."""
    _setup(database_url)
    from django.core.management import call_command
    from django.db import connection

    from maillage.interchange.exporting import export_project, to_json
    from maillage.interchange.importing import import_document
    from maillage.interchange.tests.generated import large_document
    from maillage.interchange.validation import check, parse

    call_command("migrate", verbosity=0)
    document = large_document(size)
    text = to_json(document).encode()
    del document
    result = {"size": size, "database": connection.vendor, "megabytes": len(text) / 1e6}

    def run(replace: bool) -> dict:
        """What ``maillage import FILE.json`` does (parse, then import_document: validate and write);
        the validation alone is timed apart, outside the total."""
        counter = QueryCounter()
        cpu = time.process_time()
        started = time.perf_counter()
        parsed = parse(text)
        parsed_at = time.perf_counter()
        with connection.execute_wrapper(counter):
            project = import_document(parsed, replace=replace)
        done = time.perf_counter()
        cpu = time.process_time() - cpu
        checked_at = time.perf_counter()
        problems = check(parsed)
        assert problems == [], problems[:5]
        return {
            "parse": parsed_at - started,
            "check": time.perf_counter() - checked_at,
            "import": done - parsed_at,
            "total": done - started,
            "cpu": cpu,
            "queries": counter.count,
            "project": project,
        }

    first = run(replace=False)
    result["first"] = {key: value for key, value in first.items() if key != "project"}
    again = run(replace=True)
    result["replace"] = {key: value for key, value in again.items() if key != "project"}
    started = time.perf_counter()
    exported = to_json(export_project(again["project"])).encode()
    result["export"] = time.perf_counter() - started
    result["round_trip"] = exported == text
    result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def validators(size: int) -> None:
    """Time each JSON Schema validator on the same valid document (best of 3), and its compile time."""
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
    import django

    django.setup()
    from maillage.interchange.tests.generated import large_document
    from maillage.interchange.validation import schema

    document = large_document(size)
    candidates = {}

    def jsonschema_fresh():
        from jsonschema import Draft202012Validator, FormatChecker

        return Draft202012Validator(schema(), format_checker=FormatChecker())

    candidates["jsonschema iter_errors (the validator built once)"] = (
        jsonschema_fresh,
        lambda v, d: not list(v.iter_errors(d)),
    )
    candidates["jsonschema is_valid (the validator built once)"] = (jsonschema_fresh, lambda v, d: v.is_valid(d))
    try:
        import fastjsonschema

        def fast_compile():
            return fastjsonschema.compile(schema())

        def fast_run(v, d):
            v(d)
            return True

        candidates["fastjsonschema (compiled once)"] = (fast_compile, fast_run)
    except ImportError:
        print("(fastjsonschema not installed)", file=sys.stderr)
    try:
        import jsonschema_rs

        candidates["jsonschema-rs is_valid"] = (
            lambda: jsonschema_rs.validator_for(schema(), validate_formats=True),
            lambda v, d: v.is_valid(d),
        )
    except ImportError:
        print("(jsonschema-rs not installed)", file=sys.stderr)
    try:
        from maillage.interchange.validation import schema_problems

        candidates["maillage: validation.schema_problems"] = (lambda: None, lambda v, d: not schema_problems(d))
    except ImportError:
        pass
    print(f"| validator ({size} actions) | compile | validate (best of 3) |")
    print("|---|---|---|")
    for name, (compile_, validate) in candidates.items():
        started = time.perf_counter()
        validator = compile_()
        compiled = time.perf_counter() - started
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            assert validate(validator, document), name
            best = min(best, time.perf_counter() - started)
        print(f"| {name} | {compiled * 1000:.0f} ms | {best:.2f} s |")
    from maillage.interchange.validation import VALIDATOR, schema_problems

    document["actions"][len(document["actions"]) // 2]["status"] = "finie"  # one typo in the middle
    for name, run in (
        ("jsonschema iter_errors, one typo", lambda: list(VALIDATOR.iter_errors(document))),
        ("maillage: validation.schema_problems, one typo", lambda: schema_problems(document)),
    ):
        started = time.perf_counter()
        assert run(), name
        print(f"| {name} | | {time.perf_counter() - started:.2f} s |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--validators", action="store_true", help="compare the JSON Schema validators")
    parser.add_argument("--child", nargs=2, metavar=("SIZE", "DATABASE_URL"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        print(json.dumps(child(int(options.child[0]), options.child[1])))
        return
    sizes = [int(size) for size in options.sizes.split(",")]
    if options.validators:
        for size in sizes:
            validators(size)
        return
    rows = []
    for database in options.databases.split(","):
        for size in sizes:
            with tempfile.TemporaryDirectory() as folder:
                if database == "postgres":
                    _recreate_postgres()
                    url = POSTGRES.rstrip("/") + "/" + POSTGRES_DB
                else:
                    url = f"sqlite:///{folder}/bench.sqlite3"
                # As in production: DEBUG on makes Django format every statement for its log.
                env = {"DJANGO_DEBUG": "0", **os.environ, "MAILLAGE_DATA_DIR": folder}
                output = subprocess.run(
                    [sys.executable, __file__, "--child", str(size), url],
                    check=True,
                    capture_output=True,
                    text=True,
                    env=env,
                ).stdout
                rows.append(json.loads(output.strip().splitlines()[-1]))
                print(_row(rows[-1]), file=sys.stderr)
    if "postgres" in options.databases:
        _drop_postgres()
    print("| database | actions | document | parse | validate | import (validate + write) | total (processor) |"
          " actions/s | queries | replace (total, queries) | peak RSS | round trip |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(_row(row))


def _row(row: dict) -> str:
    first, again = row["first"], row["replace"]
    return (
        f"| {row['database']} | {row['size']:,} | {row['megabytes']:.1f} MB | {first['parse']:.2f} s "
        f"| {first['check']:.2f} s | {first['import']:.2f} s | {first['total']:.2f} s ({first['cpu']:.2f} s) "
        f"| {row['size'] / first['total']:,.0f} | {first['queries']:,} "
        f"| {again['total']:.2f} s, {again['queries']:,} | {row['peak_rss_mib']:.0f} MiB "
        f"| {'identical' if row['round_trip'] else 'DIFFERENT'} |"
    )


def _postgres(sql: str) -> None:
    import psycopg

    with psycopg.connect(POSTGRES, autocommit=True) as connection:
        connection.execute(sql)


def _recreate_postgres() -> None:
    _drop_postgres()
    _postgres(f"CREATE DATABASE {POSTGRES_DB}")


def _drop_postgres() -> None:
    _postgres(f"DROP DATABASE IF EXISTS {POSTGRES_DB} WITH (FORCE)")


if __name__ == "__main__":
    main()
