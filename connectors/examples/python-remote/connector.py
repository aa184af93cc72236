#!/usr/bin/env python3
"""A complete remote connector for Hub, in Python 3 with only the standard library.

It connects an imaginary helpdesk to the hub:

* POST /webhooks/<instance>   the helpdesk's webhooks, forwarded unchanged by the hub's gateway. The helpdesk signs
                              them with a shared secret: X-Helpdesk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
                              "<t>.<raw body>">. The connector verifies that, turns each event into a touchpoint and
                              hands them to the hub's connector API as one CloudEvents batch. It answers the helpdesk
                              2xx only after the hub did (so only once the touchpoints are durable), 503 otherwise, so
                              the helpdesk retries.
* POST /hub/sync              messages from the hub, signed with Standard Webhooks. The connector verifies them and
                              acts once per webhook-id (the hub sends a message again until it is answered 2xx):
                              customer.updated   keeps the customer as a helpdesk contact and records the message as a
                                                 JSON line in RECORD_FILE; a real connector would update the helpdesk's
                                                 contact here.
                              customer.merged    forgets the contacts of the mergedCustomerIds (the survivor's
                                                 customer.updated follows).
                              customer.erased    the person must be forgotten: deletes the contact of data.customerId and
                                                 every line of RECORD_FILE that names it, then answers 204 (a customer it
                                                 never held is answered 204 too; 404 or 410 would also mean done). An
                                                 answer of 5xx makes the hub try again later; another 4xx marks the
                                                 erasure failed with the answer quoted, for the operator to act on.
                              The contacts live in this process's memory to keep the example short; a real connector
                              keeps them in the helpdesk, which every replica shares.
* GET  /health                the gateway's health probe.

Configuration (environment variables):
  PORT            port to listen on (required)            BIND   address to listen on (default 127.0.0.1)
  HUB_URL         the hub's base URL, e.g. http://hub:5000 (required)
  HUB_TOKEN       the remote instance's Token (required)
  SOURCE_SECRET   the secret the helpdesk signs with (required)
  SYNC_SECRET     the remote instance's SigningSecret, whsec_... (required)
  RECORD_FILE     where verified webhooks and sync messages are recorded, one JSON object a line (optional)
"""

import base64
import binascii
import hashlib
import hmac
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE_SECONDS = 300
MAX_BODY_BYTES = 1024 * 1024
SOURCE = "urn:example:helpdesk"


def config(name, default=None):
    value = os.environ.get(name, default)
    if value is None:
        sys.exit(f"connector.py: the environment variable {name} is required")
    return value


PORT = int(config("PORT"))
BIND = config("BIND", "127.0.0.1")
HUB_URL = config("HUB_URL").rstrip("/")
HUB_TOKEN = config("HUB_TOKEN")
SOURCE_SECRET = config("SOURCE_SECRET").encode()
SYNC_SECRET = config("SYNC_SECRET")
RECORD_FILE = os.environ.get("RECORD_FILE")

record_lock = threading.Lock()
seen_sync_ids = set()
contacts = {}  # the helpdesk's contacts by hub customer id, as far as this example holds them


def record(entry):
    if not RECORD_FILE:
        return
    with record_lock, open(RECORD_FILE, "a", encoding="utf-8") as f:
        f.write(json.dumps(entry) + "\n")
        f.flush()
        os.fsync(f.fileno())


def forget_in_records(customer_id):
    """Rewrites RECORD_FILE without the lines that name the customer (the recorded sync bodies hold their data)."""
    if not RECORD_FILE or not os.path.exists(RECORD_FILE):
        return
    with record_lock:
        with open(RECORD_FILE, encoding="utf-8") as f:
            kept = [line for line in f if customer_id not in line]
        with open(RECORD_FILE + ".tmp", "w", encoding="utf-8") as f:
            f.writelines(kept)
            f.flush()
            os.fsync(f.fileno())
        os.replace(RECORD_FILE + ".tmp", RECORD_FILE)


# --- the helpdesk's own signature scheme -------------------------------------------------------------------------

def helpdesk_signature_problem(header, body):
    """None when X-Helpdesk-Signature is authentic and fresh; otherwise what is wrong."""
    if not header:
        return "X-Helpdesk-Signature is missing"
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    timestamp, signature = parts.get("t"), parts.get("v1")
    if not timestamp or not timestamp.isdigit() or not signature:
        return "X-Helpdesk-Signature must be t=<unix seconds>,v1=<hex>"
    if abs(time.time() - int(timestamp)) > TOLERANCE_SECONDS:
        return "the signature's timestamp is outside the tolerance"
    expected = hmac.new(SOURCE_SECRET, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature.lower()):
        return "the signature does not match"
    return None


def to_cloud_event(event):
    """One helpdesk event as a touchpoint CloudEvent (type io.hub.touchpoint); raises ValueError when unusable."""
    if not isinstance(event, dict) or not isinstance(event.get("id"), str) or not isinstance(event.get("event"), str):
        raise ValueError("every event needs a string 'id' and 'event'")
    customer = event.get("customer") or {}
    if not isinstance(customer, dict):
        raise ValueError(f"event {event['id']}: 'customer' must be an object")
    identities = [{"type": kind, "value": customer[kind]} for kind in ("email", "phone") if customer.get(kind)]
    if not identities:
        raise ValueError(f"event {event['id']}: the customer needs an email or a phone")
    profile = {"name": customer["name"]} if customer.get("name") else {}
    cloud_event = {
        "specversion": "1.0",
        "id": event["id"],
        "source": SOURCE,
        "type": "io.hub.touchpoint",
        "datacontenttype": "application/json",
        "data": {
            "channel": "web",
            "type": "helpdesk." + event["event"],
            "direction": "inbound",
            "identities": identities,
            "profile": profile,
            "summary": event.get("subject") or event["event"],
        },
    }
    if event.get("occurred_at"):
        cloud_event["time"] = event["occurred_at"]
    return cloud_event


def post_to_hub(batch):
    """(status, body) of POST /connector-api/v1/touchpoints; status 0 when the hub cannot be reached."""
    request = urllib.request.Request(
        HUB_URL + "/connector-api/v1/touchpoints",
        data=json.dumps(batch).encode(),
        method="POST",
        headers={"Content-Type": "application/cloudevents-batch+json", "Authorization": "Bearer " + HUB_TOKEN},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except (urllib.error.URLError, OSError) as e:
        return 0, str(e).encode()


# --- Standard Webhooks, for the hub's customer changes ---------------------------------------------------------------

def standard_webhook_problem(headers, body):
    """None when the Standard Webhooks headers verify against SYNC_SECRET; otherwise what is wrong."""
    message_id, timestamp, signatures = headers.get("webhook-id"), headers.get("webhook-timestamp"), headers.get("webhook-signature")
    if not message_id or not timestamp or not signatures:
        return "webhook-id, webhook-timestamp and webhook-signature are required"
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > TOLERANCE_SECONDS:
        return "webhook-timestamp is missing or outside the tolerance"
    secret = SYNC_SECRET[len("whsec_"):] if SYNC_SECRET.startswith("whsec_") else SYNC_SECRET
    key = base64.b64decode(secret)
    expected = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    for entry in signatures.split(" "):
        version, _, value = entry.partition(",")
        if version != "v1":
            continue
        try:
            if hmac.compare_digest(expected, base64.b64decode(value, validate=True)):
                return None
        except binascii.Error:
            continue
    return "no v1 signature matches"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        if self.path == "/health":
            self.answer(200, {"status": "ok"})
        else:
            self.answer(404, {"title": "not found"})

    def do_POST(self):
        body = self.read_body()
        if body is None:
            self.answer(413, {"title": "body too large"})
            return
        if self.path.startswith("/webhooks/"):
            self.helpdesk_webhook(body)
        elif self.path == "/hub/sync":
            self.hub_sync(body)
        else:
            self.answer(404, {"title": "not found"})

    def read_body(self):
        """The raw body, sent with a Content-Length or chunked (the gateway passes either on); None when too large."""
        if "chunked" not in (self.headers.get("Transfer-Encoding") or "").lower():
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length <= MAX_BODY_BYTES else None
        body = bytearray()
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # trailer fields
                return bytes(body) if len(body) <= MAX_BODY_BYTES else None
            body += self.rfile.read(size)
            self.rfile.readline()  # the CRLF after each chunk
            if len(body) > MAX_BODY_BYTES:
                return None

    def helpdesk_webhook(self, body):
        problem = helpdesk_signature_problem(self.headers.get("X-Helpdesk-Signature"), body)
        if problem:
            self.answer(401, {"title": "not signed by the helpdesk", "detail": problem})
            return
        try:
            payload = json.loads(body)
            events = payload if isinstance(payload, list) else [payload]
            batch = [to_cloud_event(e) for e in events]
        except (ValueError, KeyError) as e:
            self.answer(400, {"title": "not a helpdesk event", "detail": str(e)})
            return
        status, answer = post_to_hub(batch)
        if 200 <= status < 300:
            record({"kind": "webhook", "port": PORT, "ids": [e["id"] for e in batch],
                    "forwardedHost": self.headers.get("X-Forwarded-Host"), "path": self.path})
            self.answer(200, {"accepted": len(batch)})
        elif status in (400, 413):
            # Refused for what the events are: sending them again cannot help, so the helpdesk must not retry.
            self.answer(status, {"title": "the hub refused the events", "detail": answer.decode(errors="replace")})
        else:
            # The hub is down, busy or misconfigured: nothing was taken, so the helpdesk must send again.
            sys.stderr.write(f"connector.py: the hub answered {status}: {answer[:500]!r}\n")
            self.answer(503, {"title": "try again later"}, {"Retry-After": "5"})

    def hub_sync(self, body):
        headers = {k.lower(): v for k, v in self.headers.items()}
        problem = standard_webhook_problem(headers, body)
        if problem:
            self.answer(401, {"title": "not signed by the hub", "detail": problem})
            return
        message_id = headers["webhook-id"]
        message = json.loads(body)
        data = message.get("data") or {}
        kind = message.get("type")
        if kind == "customer.erased":
            self.erase(message_id, data)  # idempotent, so a retry erases again rather than trusting the first try
            return
        with record_lock:
            first_time = message_id not in seen_sync_ids
            seen_sync_ids.add(message_id)
        if not first_time:
            self.answer(204)  # a retry of a message already acted on
            return
        if kind == "customer.merged":
            with record_lock:
                for merged_id in data.get("mergedCustomerIds") or []:
                    contacts.pop(merged_id, None)
        elif kind == "customer.updated":
            with record_lock:
                contacts[data.get("customerId")] = data.get("customer")
        record({"kind": "sync", "port": PORT, "webhookId": message_id, "webhookTimestamp": headers["webhook-timestamp"],
                "webhookSignature": headers["webhook-signature"], "body": body.decode(),
                "customerId": data.get("customerId"), "version": data.get("version")})
        self.answer(204)

    def erase(self, message_id, data):
        """customer.erased: forgets everything held about data.customerId. Each merged customer comes as its own erasure."""
        customer_id = data.get("customerId")
        if not isinstance(customer_id, str):
            # Cannot be acted on, now or later: a 4xx marks the erasure failed at the hub with this answer.
            self.answer(422, {"title": "customer.erased without a customerId"})
            return
        with record_lock:
            held = contacts.pop(customer_id, None) is not None
        forget_in_records(customer_id)
        # No personal data here: the ids only, as the hub sent them. (The line names the customer, so an erasure sent
        # again replaces it.)
        record({"kind": "erasure", "port": PORT, "webhookId": message_id, "customerId": customer_id,
                "erasureRequestId": data.get("erasureRequestId"), "held": held})
        self.answer(204)

    def answer(self, status, document=None, headers=None):
        payload = json.dumps(document).encode() if document is not None else b""
        self.send_response(status)
        if document is not None:
            self.send_header("Content-Type", "application/problem+json" if status >= 400 else "application/json")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args):
        sys.stderr.write("connector.py: " + (format % args) + "\n")


if __name__ == "__main__":
    server = ThreadingHTTPServer((BIND, PORT), Handler)
    sys.stderr.write(f"connector.py: listening on http://{BIND}:{PORT}\n")
    server.serve_forever()
