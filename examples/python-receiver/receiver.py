#!/usr/bin/env python3
"""A Hookline (Standard Webhooks) receiver in Python, standard library only.

  python3 receiver.py --port 8000 --secret whsec_...   serve: one JSON line per verified event on stdout
  python3 receiver.py verify_cli < request.json         {"secret", "headers", "body"} on stdin -> "ok" or the error
"""
import argparse
import base64
import binascii
import hashlib
import hmac
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Standard Webhooks' replay window: reject timestamps more than five minutes away from now, either way.
TOLERANCE_SECONDS = 300
# Hookline caps payloads at about 1 MiB; refuse anything bigger before reading it.
MAX_BODY_BYTES = 1024 * 1024
SECRET_PREFIX = "whsec_"


class VerificationError(Exception):
    """The request is not an authentic, fresh webhook: answer 401 and do not process it."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def verify(secret, headers, body, tolerance=TOLERANCE_SECONDS, now=None):
    """Check the webhook-* headers against the raw body and return the parsed JSON event.

    secret: a whsec_ secret, or a list of them while rotating. headers: any mapping (case-insensitive here).
    body: the raw bytes (or str) exactly as received, never JSON that was parsed and re-serialised.
    """
    secrets = [secret] if isinstance(secret, str) else list(secret)
    keys = [_decode_secret(s) for s in secrets]
    raw = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    lowered = {str(name).lower(): value for name, value in headers.items()}

    msg_id = _required(lowered, "webhook-id")
    timestamp = _required(lowered, "webhook-timestamp")
    signatures = _required(lowered, "webhook-signature")

    if not (timestamp.isascii() and timestamp.isdigit()):
        raise VerificationError("invalid_timestamp", f"webhook-timestamp {timestamp!r} is not whole Unix seconds")
    age = (int(time.time()) if now is None else now) - int(timestamp)
    if age > tolerance:
        raise VerificationError("timestamp_too_old", f"webhook-timestamp is {age} s old (tolerance {tolerance} s); check the clock or reject the replay")
    if -age > tolerance:
        raise VerificationError("timestamp_too_new", f"webhook-timestamp is {-age} s in the future (tolerance {tolerance} s); check the clock")

    signed = f"{msg_id}.{timestamp}.".encode("utf-8") + raw
    expected = [base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()) for key in keys]
    # Several "v1,<sig>" entries appear while the sender rotates secrets; any one matching is enough.
    for entry in signatures.split(" "):
        version, _, value = entry.partition(",")
        if version == "v1" and value and any(hmac.compare_digest(value.encode("ascii", "replace"), e) for e in expected):
            break
    else:
        raise VerificationError("bad_signature", "no v1 signature matches; check the secret and that the body is the raw bytes received")

    try:
        return json.loads(raw)
    except ValueError as error:
        raise VerificationError("invalid_body", f"the signature is valid but the body is not JSON: {error}") from None


def _required(lowered, name):
    # Senders built on the svix library use svix-* names for the same headers.
    value = lowered.get(name) or lowered.get(name.replace("webhook-", "svix-"))
    if not value:
        raise VerificationError("missing_header", f"the {name} header is missing; make sure proxies forward it")
    return value


def _decode_secret(secret):
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError(f"the secret must start with {SECRET_PREFIX}")
    try:
        return base64.b64decode(secret[len(SECRET_PREFIX):], validate=True)
    except binascii.Error:
        raise ValueError("the secret is not valid base64 after whsec_; copy it again in full") from None


def serve(port, secret, host="127.0.0.1"):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY_BYTES:
                return self._answer(413, "invalid_body: body larger than 1 MiB")
            body = self.rfile.read(length)
            try:
                event = verify(secret, self.headers, body)
            except VerificationError as error:
                return self._answer(401, f"{error.code}: {error}")
            print(json.dumps(event), flush=True)
            self._answer(204)

        def _answer(self, status, text=""):
            payload = text.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass  # stdout carries only events; keep the access log out of stderr too

    # Decode once at startup so a malformed secret fails now, not on the first delivery.
    _decode_secret(secret)
    server = ThreadingHTTPServer((host, port), Handler)
    print(f"listening on http://{host}:{server.server_address[1]}", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


def verify_cli():
    request = json.load(sys.stdin)
    try:
        verify(request["secret"], request["headers"], request["body"], request.get("tolerance", TOLERANCE_SECONDS))
    except (VerificationError, ValueError) as error:
        print(f"{getattr(error, 'code', 'invalid_secret')}: {error}")
        return 1
    print("ok")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", nargs="?", choices=["serve", "verify_cli"], default="serve")
    parser.add_argument("--port", type=int, default=8000, help="0 picks a free port (printed on stderr)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--secret", help="the endpoint's whsec_ secret")
    args = parser.parse_args()
    if args.mode == "verify_cli":
        sys.exit(verify_cli())
    if not args.secret:
        parser.error("--secret whsec_... is required to serve")
    serve(args.port, args.secret, args.host)


if __name__ == "__main__":
    main()
