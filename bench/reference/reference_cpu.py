"""The Python reference's Basic chain (ingest, normalize, aggregate, venue share) on one file and a fresh
database, timed per stage in wall *and* CPU time. The same calls as the kit's reference_chain.py
(../shared/bench/reference); run by bench/reference/run.mjs with the environment run.sh sets up.
Prints one JSON line."""
import os, sys, json, time, resource, tempfile

os.environ.setdefault("SPINE_LOG_LEVEL", "ERROR")


def cpu_ms():
    # user + system time of this process, in ms (SQLite runs in-process).
    r = resource.getrusage(resource.RUSAGE_SELF)
    return 1000 * (r.ru_utime + r.ru_stime)


t_import, c_import = time.perf_counter(), cpu_ms()
from spine.framework.logging import configure_logging; configure_logging()
from market_spine.db import init_connection_provider, init_db
from spine.framework.dispatcher import Dispatcher
res = {"import_ms": 1000 * (time.perf_counter() - t_import), "import_cpu_ms": cpu_ms() - c_import}

f = sys.argv[1]
db = tempfile.mktemp(suffix=".db")
os.environ["SPINE_DATABASE_PATH"] = db
init_connection_provider(); init_db()
d = Dispatcher()
res["file"] = os.path.basename(f)
t0, c0 = time.perf_counter(), cpu_ms()
e = d.submit("finra.otc_transparency.ingest_week", params={"file_path": f})
res["ingest_ms"], res["ingest_cpu_ms"], res["ingest"] = 1000 * (time.perf_counter() - t0), cpu_ms() - c0, e.status.value
m = (e.result.metrics or {}) if e.result else {}
cap = m.get("capture_id", "")
week = cap.split(":")[2] if cap.count(":") >= 3 else None
tier = cap.split(":")[1] if cap else None
for stage in ("normalize_week", "aggregate_week", "compute_venue_share"):
    t, c = time.perf_counter(), cpu_ms()
    e = d.submit(f"finra.otc_transparency.{stage}", params={"week_ending": week, "tier": tier})
    res[f"{stage}_ms"], res[f"{stage}_cpu_ms"], res[stage] = 1000 * (time.perf_counter() - t), cpu_ms() - c, e.status.value
res["chain_ms"], res["chain_cpu_ms"] = 1000 * (time.perf_counter() - t0), cpu_ms() - c0
res["process_cpu_ms"] = cpu_ms()
for p in (db, db + "-wal", db + "-shm", db + "-journal"):
    if os.path.exists(p):
        os.remove(p)
print(json.dumps(res), flush=True)
