"""The scripts ``bench/finance.py`` runs in processes of their own: the register's
statements and CPU in-process, the ZIP export started and built as the web and a worker
do, and the baselines of a bare process and a job worker.

Parameters come in sys.argv[1] as JSON; the result is the last line printed, as JSON.
"""

from __future__ import annotations

# Each URL of the mix, warm, in-process: statements per request, wall time, and CPU time:
# this process's plus that of the PostgreSQL backend serving it (from schedstat, in ns), with
# parallel query off for that session so no worker process's CPU goes uncounted. CPU time
# hardly grows when other processes compete for the cores, so it tells what an idle
# machine would give when wall times cannot.
QUERIES = r"""
import json, re, sys, time
from sqlalchemy import event, text

from app.extensions import db
from bench.wsgi_bench import app

params = json.loads(sys.argv[1])
client = app.test_client()
page = client.get("/login")
token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True)).group(1)
signed_in = client.post("/login", data={"email": params["email"], "password": params["password"],
                                        "csrf_token": token})
assert signed_in.status_code == 302, signed_in.status_code
for path in params["paths"]:
    client.get(path)  # warm: templates compiled, caches filled
with app.app_context():
    engine = db.engine
    db.session.execute(text("SET max_parallel_workers_per_gather = 0"))
    db.session.commit()  # a SET rolled back would be undone
    backends = list(db.session.scalars(text(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database()")))
    db.session.rollback()


def database_cpu():
    return sum(int(open(f"/proc/{pid}/schedstat").read().split()[0]) for pid in backends) / 1e9


statements = []


@event.listens_for(engine, "before_cursor_execute")
def record(conn, cursor, statement, parameters, context, executemany):
    statements.append(statement)


result = {}
for path in params["paths"]:
    walls, app_cpu, db_cpu = [], 0.0, 0.0
    for _ in range(params["repeats"]):
        statements.clear()
        started, cpu, database = time.perf_counter(), time.process_time(), database_cpu()
        response = client.get(path)
        walls.append((time.perf_counter() - started) * 1000)
        app_cpu += time.process_time() - cpu
        db_cpu += database_cpu() - database
        assert response.status_code == 200, (path, response.status_code)
    body = response.get_data(as_text=True)
    result[path] = {
        "statements": len(statements), "ms": sorted(walls)[len(walls) // 2],
        "app_cpu_ms": app_cpu * 1000 / params["repeats"],
        "db_cpu_ms": db_cpu * 1000 / params["repeats"],
        "rows": body.count("<tr data-number="),
        "first": [s.split()[0] + " " + " ".join(s.split()[1:6]) for s in statements]}
print(json.dumps({"paths": result, "backends": len(backends)}))
"""

# The register's ZIP button, as the web request runs it: prints the export's id and total.
START_EXPORT = r"""
import json, sys, time
from app import create_app
from app.database import commit
from app.extensions import db
from app.models import Company, User
from app.models.base import utcnow
from app.services.audit.recording import Actor
from app.services.finance.register import RegisterFilter
from app.services.finance.register_zip import start_export

params = json.loads(sys.argv[1])
app = create_app()
with app.app_context():
    user = db.session.get(User, params["finance_id"])
    company = db.session.get(Company, params["seller_id"])
    started = time.perf_counter()
    export = start_export(Actor(user), company, RegisterFilter.from_args(params["filter"]),
                          utcnow().date())
    export_id, total = export.id, export.total
    commit()
    print(json.dumps({"export_id": export_id, "total": total,
                      "ms": (time.perf_counter() - started) * 1000}))
"""

# The job as a worker runs it, in a process of its own so its peak RSS is the build's.
BUILD_EXPORT = r"""
import json, resource, sys, time
from app import create_app
from app.extensions import db
from app.models import RegisterExport
from app.services.finance.register_zip import zip_path
from app.tasks.exports import build_register_zip

params = json.loads(sys.argv[1])
app = create_app()
with app.app_context():
    before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    cpu = time.process_time()
    build_register_zip.call_local(params["export_id"])
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    db.session.expire_all()
    export = db.session.get(RegisterExport, params["export_id"])
    print(json.dumps({"seconds": seconds, "cpu_s": cpu, "peak_kb": peak_kb,
                      "before_kb": before_kb, "status": export.status.value,
                      "done": export.done, "total": export.total,
                      "byte_size": export.byte_size, "error": export.error,
                      "path": str(zip_path(export))}))
"""

# What a process costs before it does anything: the app imported and created, the job
# module imported (the same imports as BUILD_EXPORT), an app context opened.
BASELINE = r"""
import json, resource
from app import create_app
from app.extensions import db
from app.models import RegisterExport
from app.services.finance.register_zip import zip_path
from app.tasks.exports import build_register_zip

app = create_app()
with app.app_context():
    print(json.dumps({"peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

# A job worker as the consumer starts it: app.worker renders a sample invoice to warm the
# caches (WeasyPrint, fonts), so a ZIP job run there starts from this peak, not BASELINE's.
WORKER_BASELINE = r"""
import json, resource
import app.worker

print(json.dumps({"peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""
