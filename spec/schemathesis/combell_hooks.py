"""Schemathesis hooks for checking combell-sim against Combell's spec (scripts/schemathesis).

- Signs every request with Combell's HMAC (API-SUMMARY.md section 1.4), over the exact path,
  query and body bytes that go out; a self-check against the two FIELD-NOTES.md vectors runs at
  import, so a broken signer fails loudly instead of turning every answer into a 401.
- Points about half of the generated requests at objects the simulator seeds (example.com, account
  1001, ...), so that success answers get checked and not only 404s.
- Replaces schemathesis' status_code_conformance by `combell_status_conformance`, which also
  accepts the statuses spec/exceptions.json lists (the spec declares no 401/404/429 anywhere but
  Combell answers them), and checks that those undeclared answers carry Combell's error shape.

Configuration comes from the environment: COMBELL_API_KEY, COMBELL_API_SECRET,
COMBELL_EXCEPTIONS (path of spec/exceptions.json).
"""

import base64
import hashlib
import hmac
import itertools
import json
import os
import time
import uuid
from urllib.parse import urlsplit

import requests
import schemathesis

_SAFE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")


def php_urlencode(text):
    """PHP urlencode: all but A-Za-z0-9-_. as upper-case %XX, space as +."""
    out = []
    for byte in text.encode("utf-8"):
        if byte in _SAFE:
            out.append(chr(byte))
        elif byte == 0x20:
            out.append("+")
        else:
            out.append("%%%02X" % byte)
    return "".join(out)


def authorization(key, secret, method, path_and_query, body, timestamp, nonce):
    content = base64.b64encode(hashlib.md5(body).digest()).decode() if body else ""
    message = "%s%s%s%d%s%s" % (
        key,
        method.lower(),
        php_urlencode(path_and_query),
        timestamp,
        nonce,
        content,
    )
    digest = hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).digest()
    signature = base64.b64encode(digest).decode()
    return "hmac %s:%s:%s:%d" % (key, signature, nonce, timestamp)


def _self_check():
    """The FIELD-NOTES.md vectors (key my_key, secret my_secret, 1700000000, 0123456789abcdef)."""
    vectors = [
        ("GET", "/v2/domains?skip=0&take=10", b"", "TMzDXA+0IRPIYea7NZkZYFZjqYYeAb6tNIFnqYcQ6pE="),
        (
            "POST",
            "/v2/dns/example.com/records",
            b'{"type":"A","record_name":"www","ttl":3600,"content":"192.0.2.1"}',
            "uLqDv3wE1/EaY/swlwiePK9ajEPa1VcGUqBIlbxevwU=",
        ),
    ]
    for method, pq, body, expected in vectors:
        header = authorization("my_key", "my_secret", method, pq, body, 1700000000, "0123456789abcdef")
        got = header.split(":")[1]
        if got != expected:
            raise RuntimeError("HMAC self-check failed for %s %s: %s != %s" % (method, pq, got, expected))


_self_check()


class CombellHmac(requests.auth.AuthBase):
    """Runs after requests has prepared the URL and body, so it signs the bytes that are sent."""

    def __init__(self, key, secret):
        self.key = key
        self.secret = secret

    def __call__(self, request):
        parts = urlsplit(request.url)
        path_and_query = parts.path + ("?" + parts.query if parts.query else "")
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        request.headers["Authorization"] = authorization(
            self.key,
            self.secret,
            request.method,
            path_and_query,
            body,
            int(time.time()),
            uuid.uuid4().hex,
        )
        return request


_AUTH = CombellHmac(
    os.environ.get("COMBELL_API_KEY", "sim-key"),
    os.environ.get("COMBELL_API_SECRET", "sim-secret"),
)

# Objects the simulator seeds (SimState::seed); every other value is whatever was generated.
KNOWN = {
    "domainName": "example.com",
    "accountId": 1001,
    "recordId": "1-1000000005",
    "mailboxName": "info@example.com",
    "emailAddress": "info@example.com",
    "databaseName": "ID1001_shop",
    "siteName": "example.com",
    "hostname": "example.com",
}



def _unique():
    return uuid.uuid4().hex[:10]


# Bodies the simulator accepts, for the seeded turn, so that success answers (201 + Location,
# 202 + job) get checked too. Keyed by "METHOD /path"; a callable makes a fresh body each time.
KNOWN_BODIES = {
    "POST /accounts": lambda: {"identifier": "st-%s.example.org" % _unique(), "servicepack_id": 11},
    "POST /dns/{domainName}/records": lambda: {
        "type": "TXT",
        "record_name": "st-%s" % _unique(),
        "ttl": 3600,
        "content": "schemathesis",
    },
    "PUT /dns/{domainName}/records/{recordId}": lambda: {
        "type": "A",
        "record_name": "www",
        "ttl": 3600,
        "content": "192.0.2.10",
    },
}

_turn = itertools.count()


@schemathesis.hook
def before_call(context, case, kwargs):
    # Alternate: one case as generated, the next aimed at seeded objects with a body that works.
    if next(_turn) % 2 == 1:
        for name in list(case.path_parameters or {}):
            if name in KNOWN:
                case.path_parameters[name] = KNOWN[name]
        body = KNOWN_BODIES.get("%s %s" % (case.operation.method.upper(), case.operation.path))
        if body is not None:
            case.body = body()
    kwargs["auth"] = _AUTH


def _load_exceptions():
    path = os.environ.get("COMBELL_EXCEPTIONS")
    if not path:
        return {"statuses": []}
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


EXCEPTIONS = _load_exceptions()


def _allowed_extra_statuses(label):
    """Statuses the spec does not declare for `label` ("GET /dns/{domainName}/records") but
    spec/exceptions.json allows, with the body shape each must have."""
    allowed = {}
    for entry in EXCEPTIONS.get("statuses", []):
        operations = entry.get("operations", "*")
        if operations == "*" or label in operations:
            allowed[int(entry["status"])] = entry.get("body", "error")
    return allowed


def _is_error_message(value):
    return (
        isinstance(value, dict)
        and set(value) == {"error_code", "error_text"}
        and all(isinstance(value[k], str) for k in value)
    )


@schemathesis.check
def combell_status_conformance(ctx, response, case):
    declared = set()
    for code in case.operation.responses.status_codes:
        if code == "default":
            return None
        if code.isdigit():
            declared.add(int(code))
    status = response.status_code
    if status in declared:
        return None
    label = "%s %s" % (case.operation.method.upper(), case.operation.path)
    allowed = _allowed_extra_statuses(label)
    if status not in allowed:
        raise AssertionError(
            "Undocumented status %d for %s (declared: %s; spec/exceptions.json allows: %s)"
            % (status, label, sorted(declared), sorted(allowed))
        )
    shape = allowed[status]
    if shape == "none":
        return None
    try:
        body = json.loads(response.content or b"null")
    except ValueError:
        raise AssertionError("Status %d for %s has a body that is not JSON" % (status, label))
    if shape == "validation":
        ok = (
            isinstance(body, dict)
            and set(body) == {"validation_errors"}
            and isinstance(body["validation_errors"], list)
            and body["validation_errors"]
            and all(_is_error_message(e) for e in body["validation_errors"])
        )
    else:
        ok = _is_error_message(body)
    if not ok:
        raise AssertionError(
            "Status %d for %s must carry a Combell %s body, got: %s"
            % (status, label, shape, response.content[:300])
        )
    return None


_STATUS_LOG = os.environ.get("COMBELL_STATUS_LOG")


@schemathesis.hook
def after_call(context, case, response):
    # A job some create started becomes the seeded turn's jobId.
    location = response.headers.get("location") or response.headers.get("Location")
    if isinstance(location, list):
        location = location[0] if location else None
    if location and "/provisioningjobs/" in location:
        KNOWN["jobId"] = location.rsplit("/", 1)[1]
    # One line per answer, so the summary can tell operations that only ever answered 404.
    if _STATUS_LOG:
        with open(_STATUS_LOG, "a", encoding="utf-8") as handle:
            handle.write("%s %s %d\n" % (case.operation.method.upper(), case.operation.path, response.status_code))
