#!/usr/bin/env python3
"""Verifies the portal's webhook signature (`X-Signature`); run it to check the known answer.

Python 3.8 or later, standard library only: `python3 verify.py` prints `ok`.
"""
import sys

# BEGIN verify
import hashlib
import hmac
import re

TOLERANCE_SECONDS = 300  # refuse a `t` more than 5 minutes away from now


def verify(secret: str, header: str, raw_body: bytes, now: int) -> bool:
    """Whether `header` (the X-Signature value) signs `raw_body`, the request body's
    bytes exactly as received, with `secret`, at a `t` within 5 minutes of `now`
    (Unix seconds)."""
    t, signatures = None, []
    for part in header.split(","):
        key, sep, value = part.partition("=")
        if not sep:
            return False
        if key == "t":
            if t is not None or not re.fullmatch(r"[0-9]{1,15}", value):
                return False
            t = value
        elif key == "v1":
            signatures.append(value.encode())
    if t is None or not signatures or abs(now - int(t)) > TOLERANCE_SECONDS:
        return False
    signed = t.encode() + b"." + raw_body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest().encode()
    return any(hmac.compare_digest(expected, s) for s in signatures)
# END verify


SIG = "05b728475104591e6ba9301ccd86c0f18c79ea7330ef9b9869435607a745d2bf"
HEADER = "t=1700000000,v1=" + SIG
BODY = b'{"id":1}'


def main() -> int:
    cases = [
        ("valid", verify("Jefe", HEADER, BODY, 1700000100), True),
        ("valid at the edge of the window", verify("Jefe", HEADER, BODY, 1700000300), True),
        ("valid with a sender's clock ahead", verify("Jefe", HEADER, BODY, 1699999700), True),
        ("another secret", verify("jefe", HEADER, BODY, 1700000100), False),
        ("a changed body", verify("Jefe", HEADER, b'{"id":2}', 1700000100), False),
        ("a re-serialised body", verify("Jefe", HEADER, b'{"id": 1}', 1700000100), False),
        ("a changed t", verify("Jefe", "t=1700000001,v1=" + SIG, BODY, 1700000100), False),
        ("too old", verify("Jefe", HEADER, BODY, 1700000400), False),
        ("just too old", verify("Jefe", HEADER, BODY, 1700000301), False),
        ("from the future", verify("Jefe", HEADER, BODY, 1699999000), False),
    ]
    malformed = [
        "", "garbage", "t=1700000000", "v1=" + SIG, "t=,v1=" + SIG, "t=1700000000,v1=",
        "t=abc,v1=" + SIG, "t=+1700000000,v1=" + SIG, "t=1700000000;v1=" + SIG,
        "t=1700000000,t=1700000000,v1=" + SIG, "t=1700000000,v1=" + SIG + ",",
        "t=1700000000,v1=" + SIG.upper(), "t=1700000000,v1=" + SIG[:-1],
        "t=1700000000,v1=" + "é" * 64, "t=١٧٠٠٠٠٠٠٠٠,v1=" + SIG, "t=1700000000\n,v1=" + SIG,
    ]
    cases += [("malformed " + repr(h), verify("Jefe", h, BODY, 1700000100), False) for h in malformed]
    failed = [name for name, got, want in cases if got is not want]
    for name in failed:
        print("FAILED:", name, file=sys.stderr)
    if failed:
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
