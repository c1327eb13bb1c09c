#!/usr/bin/env python3
"""zpeer: a scriptable real-Zenoh (eclipse-zenoh 1.10.2) node for gozenoh interop tests.

Peer mode (default):
    zpeer.py [--mode peer|client|router] [--listen EP]... [--connect EP]...
             [--no-multicast | --multicast-iface IFACE [--multicast-address ADDR:PORT]]
             [--config-json5 PATH=VALUE]... [--id HEX] [--adminspace]

    Prints JSON lines on stdout (one object per line, flushed): first
    {"event":"ready","zid":..,"mode":..,"locators":[..],"listen":[..]} where "listen" has the
    --listen endpoints in the given order with any port 0 replaced by the port actually bound,
    then events. Reads JSON-line commands on stdin; every command may carry "id", echoed in the
    {"event":"ok","id":..} or {"event":"error","id":..,"error":..} answer. Exits when stdin closes.

Scout mode:
    zpeer.py scout [--timeout S] [--what peer|router|...] [--multicast-iface IFACE]
                   [--multicast-address ADDR:PORT] [--config-json5 PATH=VALUE]...

    Prints {"event":"scouting"}, one {"event":"hello",..} per distinct zid found, then
    {"event":"scout_done","count":N} and exits.

Commands (one JSON object per line; every command may carry "id", echoed in its answer):
  {"cmd":"sub","key":K[,"name":N]}            subscriber; samples -> "sample" events with sub=N (default K)
  {"cmd":"unsub","key":K|"name":N}
  {"cmd":"put","key":K, PAYLOAD, OPTS[,"count":N][,"interval_ms":MS]}
                                               Session.put, N times (default 1); ok carries count
  {"cmd":"delete","key":K[,"attachment"..][,QOS]}
  {"cmd":"keyexpr","key":K[,"name":N]}        Session.declare_keyexpr (DeclareKeyExpr on the wire);
                                               put/delete with "keyexpr":N instead of "key" use it
  {"cmd":"unkeyexpr","name":N}                Session.undeclare of that key expression
  {"cmd":"pub","key":K[,"name":N], PAYLOAD, OPTS[,"count":N][,"reliability":"reliable"|"best_effort"]
         [,"wait_matching":true][,"timeout":S]} declares publisher N once (QoS/encoding/reliability
                                               taken at declaration), then puts N (default 1) messages
  {"cmd":"unpub","key":K|"name":N}
  {"cmd":"queryable","key":K[,"name":N][,"complete":B][,"delay_ms":MS]
         [,"replies":[{PAYLOAD[,"key":RK][,"encoding":E][,"attachment"..][,"err":true][,"delete":true][,QOS]},..]]
         [,"reply":TEXT][,"reply_payload":B64][,"reply_err":TEXT]}
                                               each query -> "query" event, then the replies in order
                                               (reply key: RK, else K if concrete, else the query key)
  {"cmd":"unqueryable","key":K|"name":N}
  {"cmd":"get","selector":SEL[,"target":"best_matching"|"all"|"all_complete"]
         [,"consolidation":"auto"|"none"|"monotonic"|"latest"][,"timeout":S (default 10)]
         [,PAYLOAD][,"encoding":E][,"attachment"..][,"accept_replies":"any"|"matching_query"][,QOS]}
                                               ok, then "reply" events (get=id), then "get_done" (count)
  {"cmd":"token","key":K[,"name":N]}  {"cmd":"untoken","key":K|"name":N}      liveliness tokens
  {"cmd":"lsub","key":K[,"name":N][,"history":B]}  {"cmd":"unlsub",..}  -> "liveliness" events
  {"cmd":"lget","key":K[,"timeout":S]}         like get: "reply" events (key = token), "get_done"
  {"cmd":"wait_matching","key":K[,"what":"sub"|"queryable"][,"target":T][,"timeout":S]}
                                               ok once a matching remote subscriber/queryable is known
  {"cmd":"wait_peers"[,"count":N][,"what":"peers"|"routers"][,"timeout":S]}  ok carries info fields
  {"cmd":"info"}                               ok carries zid, peers, routers, links [{zid,src,dst}]
  {"cmd":"sleep","ms":MS}
  {"cmd":"close"}                              ok, close the session (Close sent), exit 0
  {"cmd":"exit"}                               ok, exit at once without closing the session
  PAYLOAD: "payload":B64 | "text":T ("{i}" -> burst index) | "size":N (bytes i%256); default empty
  OPTS: "encoding":E, "attachment":B64 | "attachment_text":T, QOS
  QOS: "priority": "real_time".."background" or 1..7, "congestion_control":"drop"|"block"|"block_first",
       "express":B

Events:
  ready      zid, mode, locators [listen endpoints without #metadata, port 0 resolved], listen
  fatal      error (session could not open; exit 1)
  ok         id, cmd [, command results]
  error      id (null for asynchronous errors from callbacks), error
  sample     sub, key, kind put|delete, payload (base64), utf8 (if valid UTF-8), size, encoding,
             attachment (base64) + attachment_utf8 (only if present), timestamp ("<ntp64>/<id>" or
             null), priority (name), priority_num (1..7), congestion_control, express
  query      queryable, selector, key, parameters [, payload, utf8, encoding, attachment]
  reply      get, ok true + the sample fields | ok false + payload, utf8, encoding
  get_done   get, count
  liveliness sub, key, kind put|delete
  hello      zid, whatami, locators (scout mode); scouting / scout_done count
"""

import argparse
import base64
import gc
import json
import os
import socket
import sys
import threading
import time
import traceback

import zenoh

_out_lock = threading.Lock()
_out = sys.stdout  # the JSON-lines stream; see setup_stdout

# MAX_BURST bounds the count of a put/pub burst, MAX_SIZE the size of a generated payload,
# MAX_WAIT the seconds any single command may block.
MAX_BURST = 10_000_000
MAX_SIZE = 256 * 1024 * 1024
MAX_WAIT = 120.0


def emit(obj):
    """Writes one JSON line to stdout and flushes it; safe from any thread."""
    line = json.dumps(obj, separators=(",", ":"))
    with _out_lock:
        try:
            _out.write(line + "\n")
            _out.flush()
        except (BrokenPipeError, ValueError):
            os._exit(0)


def setup_stdout():
    """Keeps the original stdout for JSON lines only and points file descriptor 1 at stderr, so
    that Zenoh's Rust logs (which go to fd 1) and any stray print cannot corrupt the stream.
    Enables Zenoh logging when RUST_LOG is set."""
    global _out
    fd = os.dup(1)
    os.dup2(2, 1)
    _out = os.fdopen(fd, "w", encoding="utf-8")
    sys.stdout = sys.stderr
    if os.environ.get("RUST_LOG"):
        zenoh.try_init_log_from_env()


def b64(data):
    return base64.b64encode(data).decode("ascii")


def enum_name(v):
    """Returns the lower-case member name of a pyo3 enum value (Priority.DATA -> "data")."""
    s = repr(v)
    if "." in s:
        s = s.split(".", 1)[1]
    return s.lower()


def zbytes_fields(prefix, zb, out, text_key=None):
    """Adds prefix (base64) and text_key (default prefix_utf8; only if the bytes are valid
    UTF-8) for a ZBytes value."""
    if zb is None:
        return
    raw = bytes(zb.to_bytes())
    out[prefix] = b64(raw)
    try:
        out[text_key or prefix + "_utf8"] = raw.decode("utf-8")
    except UnicodeDecodeError:
        pass


def sample_fields(s):
    """Returns the JSON fields describing a zenoh.Sample."""
    d = {
        "key": str(s.key_expr),
        "kind": enum_name(s.kind),
        "encoding": str(s.encoding),
        "priority": enum_name(s.priority),
        "priority_num": int(s.priority),
        "congestion_control": enum_name(s.congestion_control),
        "express": bool(s.express),
        "timestamp": str(s.timestamp) if s.timestamp is not None else None,
    }
    raw = bytes(s.payload.to_bytes())
    d["payload"] = b64(raw)
    d["size"] = len(raw)
    try:
        d["utf8"] = raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if s.attachment is not None:
        zbytes_fields("attachment", s.attachment, d)
    return d


class CmdError(Exception):
    pass


def get_payload(cmd, prefix="", index=0):
    """Builds a payload from cmd: <prefix>payload (base64), <prefix>text ("{i}" replaced by the
    burst index), or <prefix>size (bytes of a repeating 0..255 pattern). Returns None if absent."""
    if cmd.get(prefix + "payload") is not None:
        try:
            return base64.b64decode(cmd[prefix + "payload"], validate=True)
        except Exception as e:
            raise CmdError("bad base64 in %spayload: %s" % (prefix, e))
    if cmd.get(prefix + "text") is not None:
        t = str(cmd[prefix + "text"])
        if "{i}" in t:
            t = t.replace("{i}", str(index))
        return t.encode("utf-8")
    if cmd.get(prefix + "size") is not None:
        n = int(cmd[prefix + "size"])
        if n < 0 or n > MAX_SIZE:
            raise CmdError("size %d out of range [0,%d]" % (n, MAX_SIZE))
        pat = bytes(range(256))
        return (pat * (n // 256 + 1))[:n]
    return None


def get_attachment(cmd, prefix=""):
    if cmd.get(prefix + "attachment") is not None:
        try:
            return base64.b64decode(cmd[prefix + "attachment"], validate=True)
        except Exception as e:
            raise CmdError("bad base64 in %sattachment: %s" % (prefix, e))
    if cmd.get(prefix + "attachment_text") is not None:
        return str(cmd[prefix + "attachment_text"]).encode("utf-8")
    return None


def parse_enum(E, v, what):
    if v is None:
        return None
    if isinstance(v, bool):
        raise CmdError("bad %s: %r" % (what, v))
    if isinstance(v, int):
        for name in dir(E):
            if name.isupper() and name not in ("DEFAULT", "MIN", "MAX", "NUM"):
                m = getattr(E, name)
                try:
                    if int(m) == v:
                        return m
                except TypeError:
                    break
        raise CmdError("bad %s: %r" % (what, v))
    name = str(v).upper().replace("-", "_")
    if name.isidentifier() and hasattr(E, name):
        return getattr(E, name)
    raise CmdError("bad %s: %r" % (what, v))


def qos_kwargs(cmd):
    kw = {}
    p = parse_enum(zenoh.Priority, cmd.get("priority"), "priority")
    if p is not None:
        kw["priority"] = p
    c = parse_enum(zenoh.CongestionControl, cmd.get("congestion_control"), "congestion_control")
    if c is not None:
        kw["congestion_control"] = c
    if cmd.get("express") is not None:
        kw["express"] = bool(cmd["express"])
    return kw


def timeout_of(cmd, default):
    t = float(cmd.get("timeout", default))
    if t < 0 or t > MAX_WAIT:
        raise CmdError("timeout %r out of range [0,%r]" % (t, MAX_WAIT))
    return t


def count_of(cmd, default):
    n = int(cmd.get("count", default))
    if n < 0 or n > MAX_BURST:
        raise CmdError("count %d out of range [0,%d]" % (n, MAX_BURST))
    return n


def is_matching(ent):
    """Returns the matching status of a publisher or querier. In 1.10.2 the property returns a
    MatchingStatus object (always truthy), not the bool its stub announces."""
    st = ent.matching_status
    return st if isinstance(st, bool) else bool(st.matching)


def is_wild(key):
    return "*" in key or "$" in key


class Node:
    def __init__(self, session):
        self.s = session
        self.subs = {}
        self.lsubs = {}
        self.queryables = {}
        self.tokens = {}
        self.pubs = {}
        self.keyexprs = {}
        self.after = None  # run after the command's "ok" is written (so replies follow it)

    # --- declarations -------------------------------------------------------------------------

    def cmd_sub(self, cmd):
        key = cmd["key"]
        name = cmd.get("name", key)
        if name in self.subs:
            raise CmdError("subscriber %r already declared" % name)

        def on_sample(s):
            try:
                ev = {"event": "sample", "sub": name}
                ev.update(sample_fields(s))
                emit(ev)
            except Exception as e:  # never let a callback die silently
                emit({"event": "error", "error": "sample callback: %s" % e})

        self.subs[name] = self.s.declare_subscriber(key, on_sample)

    def cmd_unsub(self, cmd):
        name = cmd.get("name", cmd.get("key"))
        sub = self.subs.pop(name, None)
        if sub is None:
            raise CmdError("no subscriber %r" % name)
        sub.undeclare()

    def cmd_lsub(self, cmd):
        key = cmd["key"]
        name = cmd.get("name", key)
        if name in self.lsubs:
            raise CmdError("liveliness subscriber %r already declared" % name)

        def on_sample(s):
            try:
                emit({"event": "liveliness", "sub": name, "key": str(s.key_expr),
                      "kind": enum_name(s.kind)})
            except Exception as e:
                emit({"event": "error", "error": "liveliness callback: %s" % e})

        self.lsubs[name] = self.s.liveliness().declare_subscriber(
            key, on_sample, history=bool(cmd.get("history", False)))

    def cmd_unlsub(self, cmd):
        name = cmd.get("name", cmd.get("key"))
        sub = self.lsubs.pop(name, None)
        if sub is None:
            raise CmdError("no liveliness subscriber %r" % name)
        sub.undeclare()

    def cmd_token(self, cmd):
        key = cmd["key"]
        name = cmd.get("name", key)
        if name in self.tokens:
            raise CmdError("token %r already declared" % name)
        self.tokens[name] = self.s.liveliness().declare_token(key)

    def cmd_untoken(self, cmd):
        name = cmd.get("name", cmd.get("key"))
        tok = self.tokens.pop(name, None)
        if tok is None:
            raise CmdError("no token %r" % name)
        tok.undeclare()

    def cmd_queryable(self, cmd):
        key = cmd["key"]
        name = cmd.get("name", key)
        if name in self.queryables:
            raise CmdError("queryable %r already declared" % name)
        replies = list(cmd.get("replies") or [])
        if cmd.get("reply") is not None:
            replies.append({"text": cmd["reply"]})
        if cmd.get("reply_payload") is not None:
            replies.append({"payload": cmd["reply_payload"]})
        if cmd.get("reply_err") is not None:
            replies.append({"err": True, "text": cmd["reply_err"]})
        for r in replies:  # validate now, so that a bad spec fails the command, not a query
            if not r.get("err"):
                get_payload(r) if not r.get("delete") else None
            get_attachment(r)
            qos_kwargs(r)
        delay = float(cmd.get("delay_ms", 0)) / 1000.0
        if delay < 0 or delay > MAX_WAIT:
            raise CmdError("delay_ms out of range")

        def on_query(q):
            try:
                with q:
                    qkey = str(q.key_expr)
                    ev = {"event": "query", "queryable": name, "selector": str(q.selector),
                          "key": qkey, "parameters": str(q.parameters)}
                    if q.payload is not None:
                        zbytes_fields("payload", q.payload, ev, "utf8")
                    if q.encoding is not None:
                        ev["encoding"] = str(q.encoding)
                    if q.attachment is not None:
                        zbytes_fields("attachment", q.attachment, ev)
                    emit(ev)
                    if delay:
                        time.sleep(delay)
                    for r in replies:
                        rkey = r.get("key") or (key if not is_wild(key) else qkey)
                        try:
                            if r.get("err"):
                                kw = {}
                                if r.get("encoding"):
                                    kw["encoding"] = r["encoding"]
                                q.reply_err(get_payload(r) or b"", **kw)
                            elif r.get("delete"):
                                kw = qos_kwargs(r)
                                att = get_attachment(r)
                                if att is not None:
                                    kw["attachment"] = att
                                q.reply_del(rkey, **kw)
                            else:
                                kw = qos_kwargs(r)
                                if r.get("encoding"):
                                    kw["encoding"] = r["encoding"]
                                att = get_attachment(r)
                                if att is not None:
                                    kw["attachment"] = att
                                q.reply(rkey, get_payload(r) or b"", **kw)
                        except Exception as e:
                            emit({"event": "error", "error": "queryable %s reply: %s" % (name, e)})
            except Exception as e:
                emit({"event": "error", "error": "query callback: %s" % e})

        kw = {}
        if cmd.get("complete") is not None:
            kw["complete"] = bool(cmd["complete"])
        self.queryables[name] = self.s.declare_queryable(key, on_query, **kw)

    def cmd_unqueryable(self, cmd):
        name = cmd.get("name", cmd.get("key"))
        q = self.queryables.pop(name, None)
        if q is None:
            raise CmdError("no queryable %r" % name)
        q.undeclare()

    # --- publication --------------------------------------------------------------------------

    def _put_kwargs(self, cmd):
        kw = qos_kwargs(cmd)
        if cmd.get("encoding"):
            kw["encoding"] = cmd["encoding"]
        att = get_attachment(cmd)
        if att is not None:
            kw["attachment"] = att
        return kw

    def cmd_keyexpr(self, cmd):
        """Declares key as an optimised key expression (DeclareKeyExpr on the wire) under name
        (default: the key); put and delete take it with "keyexpr": name."""
        name = cmd.get("name", cmd["key"])
        self.keyexprs[name] = self.s.declare_keyexpr(cmd["key"])

    def cmd_unkeyexpr(self, cmd):
        name = cmd.get("name", cmd.get("key"))
        ke = self.keyexprs.pop(name, None)
        if ke is None:
            raise CmdError("no keyexpr %r" % name)
        self.s.undeclare(ke)
        # The wire declaration is shared by every clone of the key expression and is only sent
        # undeclared when the last one goes.
        del ke
        gc.collect()

    def _key(self, cmd):
        if cmd.get("keyexpr") is not None:
            ke = self.keyexprs.get(cmd["keyexpr"])
            if ke is None:
                raise CmdError("no keyexpr %r" % cmd["keyexpr"])
            return ke
        return cmd["key"]

    def cmd_put(self, cmd):
        key = self._key(cmd)
        n = count_of(cmd, 1)
        kw = self._put_kwargs(cmd)
        interval = float(cmd.get("interval_ms", 0)) / 1000.0
        for i in range(n):
            p = get_payload(cmd, index=i)
            self.s.put(key, p if p is not None else b"", **kw)
            if interval:
                time.sleep(interval)
        return {"count": n}

    def cmd_delete(self, cmd):
        key = self._key(cmd)
        kw = qos_kwargs(cmd)
        att = get_attachment(cmd)
        if att is not None:
            kw["attachment"] = att
        self.s.delete(key, **kw)

    def cmd_pub(self, cmd):
        key = cmd["key"]
        name = cmd.get("name", key)
        pub = self.pubs.get(name)
        if pub is None:
            kw = qos_kwargs(cmd)
            if cmd.get("encoding"):
                kw["encoding"] = cmd["encoding"]
            if cmd.get("reliability") is not None:
                kw["reliability"] = parse_enum(zenoh.Reliability, cmd["reliability"], "reliability")
            pub = self.s.declare_publisher(key, **kw)
            self.pubs[name] = pub
        if cmd.get("wait_matching"):
            deadline = time.monotonic() + timeout_of(cmd, 10)
            while not is_matching(pub):
                if time.monotonic() > deadline:
                    raise CmdError("publisher %r: no matching subscriber" % name)
                time.sleep(0.01)
        n = count_of(cmd, 1)
        kw = {}
        att = get_attachment(cmd)
        if att is not None:
            kw["attachment"] = att
        interval = float(cmd.get("interval_ms", 0)) / 1000.0
        for i in range(n):
            p = get_payload(cmd, index=i)
            pub.put(p if p is not None else b"", **kw)
            if interval:
                time.sleep(interval)
        return {"count": n}

    def cmd_unpub(self, cmd):
        name = cmd.get("name", cmd.get("key"))
        pub = self.pubs.pop(name, None)
        if pub is None:
            raise CmdError("no publisher %r" % name)
        pub.undeclare()

    def cmd_wait_matching(self, cmd):
        """Waits until a subscriber (what=sub, default) or queryable (what=queryable) matching key
        is known to this node."""
        key = cmd["key"]
        deadline = time.monotonic() + timeout_of(cmd, 10)
        what = cmd.get("what", "sub")
        if what == "sub":
            ent = self.s.declare_publisher(key)
        elif what == "queryable":
            tgt = parse_enum(zenoh.QueryTarget, cmd.get("target"), "target")
            ent = self.s.declare_querier(key, **({"target": tgt} if tgt is not None else {}))
        else:
            raise CmdError("bad what %r" % what)
        try:
            while not is_matching(ent):
                if time.monotonic() > deadline:
                    raise CmdError("no matching %s for %r" % (what, key))
                time.sleep(0.01)
        finally:
            ent.undeclare()

    # --- queries ------------------------------------------------------------------------------

    def _run_get(self, gid, replies_iter):
        n = 0
        try:
            for r in replies_iter:
                n += 1
                ev = {"event": "reply", "get": gid}
                if r.ok is not None:
                    ev["ok"] = True
                    ev.update(sample_fields(r.ok))
                else:
                    e = r.err
                    ev["ok"] = False
                    raw = bytes(e.payload.to_bytes())
                    ev["payload"] = b64(raw)
                    try:
                        ev["utf8"] = raw.decode("utf-8")
                    except UnicodeDecodeError:
                        pass
                    ev["encoding"] = str(e.encoding)
                emit(ev)
        except Exception as e:
            emit({"event": "error", "id": gid, "error": "get: %s" % e})
        emit({"event": "get_done", "get": gid, "count": n})

    def cmd_get(self, cmd):
        gid = cmd.get("id")
        kw = qos_kwargs(cmd)
        kw["timeout"] = timeout_of(cmd, 10)
        t = parse_enum(zenoh.QueryTarget, cmd.get("target"), "target")
        if t is not None:
            kw["target"] = t
        c = parse_enum(zenoh.ConsolidationMode, cmd.get("consolidation"), "consolidation")
        if c is not None:
            kw["consolidation"] = c
        p = get_payload(cmd)
        if p is not None:
            kw["payload"] = p
        if cmd.get("encoding"):
            kw["encoding"] = cmd["encoding"]
        att = get_attachment(cmd)
        if att is not None:
            kw["attachment"] = att
        if cmd.get("accept_replies") is not None:
            kw["accept_replies"] = parse_enum(zenoh.ReplyKeyExpr, cmd["accept_replies"], "accept_replies")
        handler = self.s.get(cmd["selector"], **kw)
        self.after = threading.Thread(target=self._run_get, args=(gid, handler), daemon=True).start

    def cmd_lget(self, cmd):
        gid = cmd.get("id")
        handler = self.s.liveliness().get(cmd["key"], timeout=timeout_of(cmd, 10))
        self.after = threading.Thread(target=self._run_get, args=(gid, handler), daemon=True).start

    # --- misc ---------------------------------------------------------------------------------

    def info(self):
        i = self.s.info
        links = []
        for l in i.links():
            links.append({"zid": str(l.zid), "src": str(l.src), "dst": str(l.dst)})
        return {"zid": str(i.zid()), "peers": [str(z) for z in i.peers_zid()],
                "routers": [str(z) for z in i.routers_zid()], "links": links}

    def cmd_info(self, cmd):
        return self.info()

    def cmd_wait_peers(self, cmd):
        """Waits until at least count peers (or routers with what=routers) are connected."""
        want = count_of(cmd, 1)
        what = cmd.get("what", "peers")
        deadline = time.monotonic() + timeout_of(cmd, 10)
        while True:
            inf = self.info()
            have = inf["routers" if what == "routers" else "peers"]
            if len(have) >= want:
                return inf
            if time.monotonic() > deadline:
                raise CmdError("%d %s connected, want %d" % (len(have), what, want))
            time.sleep(0.01)

    def cmd_sleep(self, cmd):
        ms = float(cmd.get("ms", 0))
        if ms < 0 or ms > MAX_WAIT * 1000:
            raise CmdError("ms out of range")
        time.sleep(ms / 1000.0)

    def dispatch(self, cmd):
        op = cmd.get("cmd")
        if op in ("close", "exit"):
            return op
        f = getattr(self, "cmd_" + str(op), None) if isinstance(op, str) and op.isidentifier() else None
        if f is None:
            raise CmdError("unknown cmd %r" % op)
        return f(cmd)


def listening_sockets(kind):
    """Returns [(ip, port)] of the sockets of this process in /proc/self/net/<kind>{,6} that are
    listening (TCP) or bound without a peer (UDP)."""
    inodes = set()
    try:
        for fd in os.listdir("/proc/self/fd"):
            try:
                t = os.readlink("/proc/self/fd/" + fd)
            except OSError:
                continue
            if t.startswith("socket:["):
                inodes.add(t[8:-1])
    except OSError:
        return []
    out = []
    for fam, fname in ((socket.AF_INET, kind), (socket.AF_INET6, kind + "6")):
        try:
            with open("/proc/self/net/" + fname) as f:
                lines = f.read().splitlines()[1:]
        except OSError:
            continue
        for ln in lines:
            parts = ln.split()
            if len(parts) < 10 or parts[9] not in inodes:
                continue
            local, remote, state = parts[1], parts[2], parts[3]
            if kind == "tcp" and state != "0A":
                continue
            if kind == "udp" and not remote.endswith(":0000"):
                continue
            hexip, hexport = local.split(":")
            raw = bytes.fromhex(hexip)
            # /proc prints the address as 32-bit words in host (little-endian) order.
            raw = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
            out.append((socket.inet_ntop(fam, raw), int(hexport, 16)))
    return out


def split_endpoint(ep):
    """Splits proto/host:port[?cfg][#meta] into (proto, host, port, suffix) or None."""
    if "/" not in ep:
        return None
    proto, rest = ep.split("/", 1)
    cut = len(rest)
    for c in "?#":
        if c in rest:
            cut = min(cut, rest.index(c))
    addr, suffix = rest[:cut], rest[cut:]
    if ":" not in addr:
        return None
    host, port = addr.rsplit(":", 1)
    try:
        return proto, host, int(port), suffix
    except ValueError:
        return None


def resolve_listen(endpoints):
    """Replaces port 0 in tcp/udp listen endpoints with the port this process actually bound."""
    resolved = []
    claimed = set()
    for ep in endpoints:
        sp = split_endpoint(ep)
        if sp and sp[2] != 0:
            claimed.add((sp[0], sp[2]))
    socks = {"tcp": None, "udp": None}
    for ep in endpoints:
        sp = split_endpoint(ep)
        if not sp or sp[2] != 0 or sp[0] not in socks:
            resolved.append(ep)
            continue
        proto, host, _, suffix = sp
        if socks[proto] is None:
            socks[proto] = listening_sockets(proto)
        h = host[1:-1] if host.startswith("[") else host
        try:
            want = socket.inet_ntop(socket.AF_INET6 if ":" in h else socket.AF_INET,
                                    socket.inet_pton(socket.AF_INET6 if ":" in h else socket.AF_INET, h))
        except OSError:
            resolved.append(ep)
            continue
        cands = sorted({p for ip, p in socks[proto] if ip == want and (proto, p) not in claimed})
        if len(cands) == 1 or (proto == "tcp" and cands):
            port = cands[0]
            claimed.add((proto, port))
            resolved.append("%s/%s:%d%s" % (proto, host, port, suffix))
        else:
            resolved.append(ep)
    return resolved


def locator_of(ep):
    """Drops the #metadata part of an endpoint, as Zenoh does for locators."""
    return ep.split("#", 1)[0]


def build_config(a):
    c = zenoh.Config()
    if getattr(a, "mode", None):
        c.insert_json5("mode", json.dumps(a.mode))
    if a.id:
        c.insert_json5("id", json.dumps(a.id))
    if getattr(a, "listen", None) is not None:
        c.insert_json5("listen/endpoints", json.dumps(a.listen))
    if getattr(a, "connect", None) is not None:
        c.insert_json5("connect/endpoints", json.dumps(a.connect))
    if a.multicast_iface and not getattr(a, "no_multicast", False):
        c.insert_json5("scouting/multicast/enabled", "true")
        c.insert_json5("scouting/multicast/interface", json.dumps(a.multicast_iface))
    else:
        c.insert_json5("scouting/multicast/enabled", "false")
    if a.multicast_address:
        c.insert_json5("scouting/multicast/address", json.dumps(a.multicast_address))
    if getattr(a, "adminspace", False):
        c.insert_json5("adminspace/enabled", "true")
    for kv in a.config_json5:
        if "=" not in kv:
            raise ValueError("--config-json5 wants PATH=VALUE, got %r" % kv)
        k, v = kv.split("=", 1)
        c.insert_json5(k, v)
    return c


def read_commands(node):
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        cid = None
        node.after = None
        try:
            cmd = json.loads(line)
            if not isinstance(cmd, dict):
                raise CmdError("command is not a JSON object")
            cid = cmd.get("id")
            res = node.dispatch(cmd)
            if res in ("close", "exit"):
                emit({"event": "ok", "id": cid, "cmd": res})
                return res
            ev = {"event": "ok", "id": cid, "cmd": cmd.get("cmd")}
            if isinstance(res, dict):
                ev.update(res)
            emit(ev)
            after, node.after = node.after, None
            if after is not None:
                after()
        except KeyError as e:
            emit({"event": "error", "id": cid, "error": "missing field %s" % e})
        except Exception as e:
            emit({"event": "error", "id": cid, "error": "%s: %s" % (type(e).__name__, e)})
    return "eof"


def close_bounded(session, seconds):
    t = threading.Thread(target=session.close, daemon=True)
    t.start()
    t.join(seconds)


def peer_main(argv):
    ap = argparse.ArgumentParser(prog="zpeer.py")
    ap.add_argument("--mode", default="peer", choices=["peer", "client", "router"])
    ap.add_argument("--listen", action="append", default=[])
    ap.add_argument("--connect", action="append", default=[])
    ap.add_argument("--no-multicast", action="store_true")
    ap.add_argument("--multicast-iface")
    ap.add_argument("--multicast-address")
    ap.add_argument("--config-json5", action="append", default=[])
    ap.add_argument("--id")
    ap.add_argument("--adminspace", action="store_true")
    a = ap.parse_args(argv)
    try:
        session = zenoh.open(build_config(a))
    except Exception as e:
        emit({"event": "fatal", "error": "%s: %s" % (type(e).__name__, e)})
        sys.stderr.write(traceback.format_exc())
        sys.stderr.flush()
        os._exit(1)
    listen = resolve_listen(a.listen)
    emit({"event": "ready", "zid": str(session.zid()), "mode": a.mode,
          "locators": [locator_of(ep) for ep in listen], "listen": listen})
    how = read_commands(Node(session))
    if how != "exit":
        close_bounded(session, 3.0)
    with _out_lock:
        _out.flush()
    os._exit(0)


def scout_main(argv):
    ap = argparse.ArgumentParser(prog="zpeer.py scout")
    ap.add_argument("--timeout", type=float, default=3.0)
    ap.add_argument("--what", default="peer|router")
    ap.add_argument("--multicast-iface", default="lo")
    ap.add_argument("--multicast-address")
    ap.add_argument("--config-json5", action="append", default=[])
    ap.add_argument("--id")
    ap.add_argument("--stop-after", type=int, default=0,
                    help="stop as soon as this many distinct nodes answered (0: wait for --timeout)")
    a = ap.parse_args(argv)
    if a.timeout < 0 or a.timeout > MAX_WAIT:
        emit({"event": "fatal", "error": "timeout out of range"})
        os._exit(2)
    seen = {}
    done = threading.Event()
    lock = threading.Lock()

    def on_hello(h):
        try:
            zid = str(h.zid)
            with lock:
                if zid in seen:
                    return
                seen[zid] = True
                n = len(seen)
            emit({"event": "hello", "zid": zid, "whatami": str(h.whatami).lower(),
                  "locators": [str(l) for l in h.locators]})
            if a.stop_after and n >= a.stop_after:
                done.set()
        except Exception as e:
            emit({"event": "error", "error": "hello callback: %s" % e})

    try:
        cfg = build_config(a)
        emit({"event": "scouting"})
        sc = zenoh.scout(on_hello, what=a.what, config=cfg)
    except Exception as e:
        emit({"event": "fatal", "error": "%s: %s" % (type(e).__name__, e)})
        os._exit(1)
    done.wait(a.timeout)
    try:
        sc.stop()
    except Exception:
        pass
    with lock:
        n = len(seen)
    emit({"event": "scout_done", "count": n})
    os._exit(0)


def main():
    setup_stdout()
    argv = sys.argv[1:]
    if argv and argv[0] == "scout":
        scout_main(argv[1:])
    else:
        peer_main(argv)


if __name__ == "__main__":
    main()
