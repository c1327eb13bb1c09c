#!/usr/bin/env python3
"""zbench: real Zenoh (eclipse-zenoh) processes for the gozenoh benchmarks' reference figures.

    zbench.py sub  --listen EP  --key K     counts samples; stdin "expect N" -> prints
                                            {"done":N,"elapsed":S} once N samples arrived
                                            (S: seconds from the first to the last)
    zbench.py pub  --connect EP --key K --size B
                                            stdin "send N" -> publishes N samples of B bytes
                                            (congestion control block), prints {"sent":N}
    zbench.py pong --listen EP              echoes bench/ping to bench/pong
    zbench.py ping --connect EP --size B    stdin "run N" -> N round trips, prints
                                            {"rtts_ns":[...]}

Every process first prints {"ready":true}; all output is JSON lines on stdout.
"""

import argparse
import json
import sys
import threading
import time

import zenoh


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def config(listen=None, connect=None):
    c = zenoh.Config()
    c.insert_json5("scouting/multicast/enabled", "false")
    c.insert_json5("listen/endpoints", json.dumps([listen] if listen else []))
    c.insert_json5("connect/endpoints", json.dumps([connect] if connect else []))
    # Over TCP like gozenoh: no shared-memory transport between the two local processes.
    c.insert_json5("transport/shared_memory/enabled", "false")
    return c


def matching(ent):
    st = ent.matching_status
    return st if isinstance(st, bool) else bool(st.matching)


def wait_matching(ent, timeout=30.0):
    deadline = time.monotonic() + timeout
    while not matching(ent):
        if time.monotonic() > deadline:
            raise SystemExit("no matching subscriber")
        time.sleep(0.005)


def run_sub(a):
    s = zenoh.open(config(listen=a.listen))
    lock = threading.Lock()
    state = {"want": -1, "n": 0, "first": 0.0}

    def on_sample(_):
        now = time.perf_counter()
        with lock:
            if state["n"] == 0:
                state["first"] = now
            state["n"] += 1
            if state["n"] == state["want"]:
                emit({"done": state["n"], "elapsed": now - state["first"]})

    sub = s.declare_subscriber(a.key, on_sample)
    emit({"ready": True})
    for line in sys.stdin:
        cmd = line.split()
        if cmd and cmd[0] == "expect":
            with lock:
                state["want"], state["n"] = int(cmd[1]), 0
            emit({"ok": True})
    sub.undeclare()
    s.close()


def run_pub(a):
    s = zenoh.open(config(connect=a.connect))
    pub = s.declare_publisher(a.key, congestion_control=zenoh.CongestionControl.BLOCK)
    wait_matching(pub)
    payload = bytes(a.size)
    emit({"ready": True})
    for line in sys.stdin:
        cmd = line.split()
        if cmd and cmd[0] == "send":
            n = int(cmd[1])
            for _ in range(n):
                pub.put(payload)
            emit({"sent": n})
    pub.undeclare()
    s.close()


def run_pong(a):
    s = zenoh.open(config(listen=a.listen))
    back = s.declare_publisher("bench/pong", express=True, congestion_control=zenoh.CongestionControl.BLOCK)
    sub = s.declare_subscriber("bench/ping", lambda smp: back.put(smp.payload))
    emit({"ready": True})
    for _ in sys.stdin:
        pass
    sub.undeclare()
    s.close()


def run_ping(a):
    s = zenoh.open(config(connect=a.connect))
    ev = threading.Event()
    sub = s.declare_subscriber("bench/pong", lambda _: ev.set())
    pub = s.declare_publisher("bench/ping", express=True, congestion_control=zenoh.CongestionControl.BLOCK)
    wait_matching(pub)
    payload = bytes(a.size)
    # Wait until the pong side knows our subscriber: ping until a pong comes back.
    while True:
        ev.clear()
        pub.put(payload)
        if ev.wait(0.1):
            break
    emit({"ready": True})
    for line in sys.stdin:
        cmd = line.split()
        if cmd and cmd[0] == "run":
            rtts = []
            for _ in range(int(cmd[1])):
                ev.clear()
                t0 = time.perf_counter_ns()
                pub.put(payload)
                if not ev.wait(10):
                    raise SystemExit("no pong")
                rtts.append(time.perf_counter_ns() - t0)
            emit({"rtts_ns": rtts})
    sub.undeclare()
    s.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("role", choices=["sub", "pub", "pong", "ping"])
    p.add_argument("--listen")
    p.add_argument("--connect")
    p.add_argument("--key", default="bench/tp")
    p.add_argument("--size", type=int, default=8)
    a = p.parse_args()
    {"sub": run_sub, "pub": run_pub, "pong": run_pong, "ping": run_ping}[a.role](a)


if __name__ == "__main__":
    main()
