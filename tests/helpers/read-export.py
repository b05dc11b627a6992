"""Reads a Market Spine export with pyarrow (an independent reader) and prints it as JSON on stdout.

Usage: python3 read-export.py DIR

Parquet files are read as they are; CSV and JSON Lines files are parsed with the types the manifest
declares (so a value that does not parse as its declared type fails here). Printed per file: the
Arrow schema as read, and the rows, each value encoded so JSON cannot blur it: int64 as a decimal
string, double as a JSON number, date as YYYY-MM-DD, timestamp as ISO 8601 UTC with microseconds
(2025-12-22T14:05:09.123000Z), string as is, null as null.
"""
import datetime
import json
import os
import sys

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import pyarrow.parquet as pq

ARROW_TYPES = {
    "int64": pa.int64(),
    "double": pa.float64(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us", tz="UTC"),
    "string": pa.string(),
}
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def encode(value, arrow_type):
    if value is None:
        return None
    if pa.types.is_integer(arrow_type):
        return str(value)
    if pa.types.is_floating(arrow_type):
        return value
    if pa.types.is_date(arrow_type):
        return value.isoformat()
    if pa.types.is_timestamp(arrow_type):
        return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def read_file(path, fmt, columns):
    schema = pa.schema([(c["name"], ARROW_TYPES[c["type"]]) for c in columns])
    if fmt == "parquet":
        return pq.read_table(path)
    if fmt == "csv":
        # Every column as declared; only an empty unquoted field is null (a quoted "" is the empty string,
        # and texts such as "null" or "NA" stay texts).
        options = pacsv.ConvertOptions(
            column_types=schema,
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
        )
        return pacsv.read_csv(path, convert_options=options)
    # Arrow's JSON reader converts strings to timestamps but not to dates: dates are read as strings and
    # then cast (a strict YYYY-MM-DD parse).
    as_read = pa.schema([pa.field(f.name, pa.string() if pa.types.is_date(f.type) else f.type) for f in schema])
    table = pajson.read_json(
        path, parse_options=pajson.ParseOptions(explicit_schema=as_read, unexpected_field_behavior="error")
    )
    return table.cast(schema)


def main():
    directory = sys.argv[1]
    with open(os.path.join(directory, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    out = {"pyarrow": pa.__version__, "files": []}
    for entry in manifest["files"]:
        table = read_file(os.path.join(directory, entry["path"]), manifest["format"], manifest["columns"])
        types = [field.type for field in table.schema]
        rows = [[encode(v, t) for v, t in zip(row.values(), types)] for row in table.to_pylist()]
        out["files"].append(
            {
                "path": entry["path"],
                "schema": [[field.name, str(field.type)] for field in table.schema],
                "rows": rows,
            }
        )
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
