#!/usr/bin/env python3
"""Configuration oracle: real Zenoh (eclipse-zenoh) reads JSON5 configuration documents.

Reads JSON lines on stdin and answers one JSON line on stdout per request, in order:
  {"doc": "<json5>"}    -> {"ok": true, "json": "<str(config)>"} or {"ok": false, "err": "..."}
  {"defaults": true}    -> {"ok": true, "json": "<str(zenoh.Config())>"}
  {"doc": "<json5>", "quiet": true}
                        -> {"ok": true} or {"ok": false}: acceptance only
str(config) is Zenoh's own JSON serialization of the whole configuration.
"""
import json
import sys

import zenoh


def answer(req):
    try:
        if req.get("defaults"):
            cfg = zenoh.Config()
        else:
            cfg = zenoh.Config.from_json5(req["doc"])
        if req.get("quiet"):
            return {"ok": True}
        return {"ok": True, "json": str(cfg)}
    except Exception as e:  # Zenoh raises ZError (a subclass of Exception) for every rejection
        if req.get("quiet"):
            return {"ok": False}
        return {"ok": False, "err": str(e)[:300]}


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        sys.stdout.write(json.dumps(answer(json.loads(line))) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
