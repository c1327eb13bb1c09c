"""Key-expression oracle: answers, with real Zenoh, the questions keyexpr_diff_test.go asks.

Reads JSON lines from stdin, one case per line: {"a": <base64>, "b": <base64>}. The strings are
raw bytes, decoded as UTF-8 with surrogateescape so that invalid UTF-8 reaches Zenoh as an
unencodable str (which Zenoh rejects). Writes one JSON line per case:

  {"a": R, "b": R, "ka": str|null, "kb": str|null,
   "int": bool, "inc_ab": bool, "inc_ba": bool, "join": J}

where R = {"new": "ok"|KIND, "canon": str|null, "cerr": KIND|null}, ka/kb are the key
expressions used for the pair questions (the string itself when valid, else its autocanonized
form, else null; the pair fields are present only when both exist), and J is {"ok": str} or
{"err": KIND} for KeyExpr(ka).join(b) (present when ka exists). KIND names the error.
"""
import base64
import json
import sys

import zenoh

KINDS = [
    ("empty chunks are forbidden", "empty"),
    ("`**/*` must be replaced by `*/**`", "star_after_dstar"),
    ("`**/**` must be replaced by `**`", "dstar_after_dstar"),
    ("`*` may only be preceded by `/` or `$`", "star_in_chunk"),
    ("`$` is not allowed after `$*`", "dollar_after_dollar"),
    ("`#` and `?` are forbidden characters", "forbidden_char"),
    ("`$` is only allowed in `$*`", "unbound_dollar"),
]


def kind(exc):
    if isinstance(exc, UnicodeError):
        return "utf8"
    if type(exc).__name__ == "PanicException":
        return "panic"
    msg = str(exc)
    for needle, name in KINDS:
        if needle in msg:
            return name
    return "other: " + type(exc).__name__ + ": " + msg[:120]


def check(s):
    r = {"new": "ok", "canon": None, "cerr": None}
    ke = None
    try:
        ke = zenoh.KeyExpr(s)
    except BaseException as e:  # PanicException derives from BaseException
        r["new"] = kind(e)
    try:
        c = zenoh.KeyExpr.autocanonize(s)
        r["canon"] = str(c)
        if ke is None:
            ke = c
    except BaseException as e:
        r["cerr"] = kind(e)
    return r, ke


def main():
    out = sys.stdout
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        case = json.loads(line)
        a = base64.b64decode(case["a"]).decode("utf-8", "surrogateescape")
        b = base64.b64decode(case["b"]).decode("utf-8", "surrogateescape")
        ra, ka = check(a)
        rb, kb = check(b)
        res = {"a": ra, "b": rb, "ka": None if ka is None else str(ka),
               "kb": None if kb is None else str(kb)}
        if ka is not None and kb is not None:
            res["int"] = ka.intersects(kb)
            res["inc_ab"] = ka.includes(kb)
            res["inc_ba"] = kb.includes(ka)
        if ka is not None:
            try:
                res["join"] = {"ok": str(ka.join(b))}
            except BaseException as e:
                res["join"] = {"err": kind(e)}
        out.write(json.dumps(res) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
