"""How soon a running `asyncz start` sees a task that `asyncz add` put in its store.

Usage (from the repository root): python3 asyncz-cli/scripts/service_latency.py [POLL [STORE]]
Starts the service on STORE (default: a scratch SQLite file in a temporary directory) with
--poll POLL (default 1s),
adds 30 tasks from other processes, and prints the delay from each `add` returning to the service's
"Seen task ... added" line: median, p90 and max.
"""
import datetime
import os
import re
import subprocess
import sys
import tempfile
import time

A = os.path.abspath("asyncz")
poll = sys.argv[1] if len(sys.argv) > 1 else "1s"
store = sys.argv[2] if len(sys.argv) > 2 else "jdbc:sqlite:lat.db"
os.chdir(tempfile.mkdtemp(prefix="asyncz-latency-"))
svc = subprocess.Popen([A, "start", "--store", store, "--poll", poll],
                       stdout=open("svc.log", "w"), stderr=subprocess.STDOUT)
try:
    while "Service started" not in open("svc.log").read():
        if svc.poll() is not None:
            sys.exit("the service did not start:\n" + open("svc.log").read())
        time.sleep(0.1)
    done = {}
    run = int(time.time())  # ids of their own, for a store used before
    for i in range(30):
        subprocess.run([A, "add", "echo", "--every", "1h", "--id", f"b{run}-{i}", "--store", store],
                       stdout=subprocess.DEVNULL, check=True)
        done[f"b{run}-{i}"] = time.time()
        time.sleep(0.37)  # spread the adds over the poll interval
    time.sleep(2.5)
finally:
    svc.terminate()
    svc.wait()
delays = []
today = datetime.datetime.now(datetime.timezone.utc).date()
for line in open("svc.log"):
    m = re.match(r"(\d\d):(\d\d):(\d\d)\.(\d\d\d) INFO asyncz.cli - Seen task '(b\d+)' added", line)
    if m:
        h, mi, s, ms, tid = m.groups()
        t = datetime.datetime(today.year, today.month, today.day, int(h), int(mi), int(s), int(ms) * 1000,
                              tzinfo=datetime.timezone.utc).timestamp()
        delays.append(t - done[tid])
delays.sort()
n = len(delays)
print(f"{store} poll {poll}: n={n} median={delays[n // 2] * 1000:.0f}ms p90={delays[int(n * 0.9)] * 1000:.0f}ms"
      f" max={delays[-1] * 1000:.0f}ms")
