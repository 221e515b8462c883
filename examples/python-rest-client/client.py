#!/usr/bin/env python3
"""Calls Hookline's REST API from Python with the standard library only, as any non-TypeScript service
would: from the paths, bodies and errors of the OpenAPI document at /api/openapi.json.

  HOOKLINE_URL=http://127.0.0.1:3000 HOOKLINE_API_KEY=hk_... RECEIVER_URL=https://... python3 client.py

Creates an application and an endpoint at RECEIVER_URL, publishes an event (idempotently), reads its
delivery, and, when the receiver refuses it, replays the dead letter. Prints one "name: value" line per step.
"""
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


class HooklineError(Exception):
    """An error answer: every one has the same body, {"code", "message", "issues"?}."""

    def __init__(self, status, body):
        super().__init__(f"{status} {body.get('code')}: {body.get('message')}")
        self.status = status
        self.code = body.get("code")
        self.issues = body.get("issues", [])


class Hookline:
    def __init__(self, url, api_key):
        self.base = url.rstrip("/") + "/api/v1"
        self.api_key = api_key

    def call(self, method, path, body=None, query=None, headers=None):
        url = self.base + path
        if query:
            url += "?" + urllib.parse.urlencode({k: v for k, v in query.items() if v is not None})
        request_headers = {"Authorization": f"Bearer {self.api_key}", "Accept": "application/json"}
        data = None
        # A call with nothing to send (retry, revoke, a rotation with the defaults) sends no body and no
        # content type, as the document allows.
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            request_headers["Content-Type"] = "application/json"
        request_headers.update(headers or {})
        request = urllib.request.Request(url, data=data, method=method, headers=request_headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            raise HooklineError(error.code, json.load(error)) from None

    def publish(self, app_id, event_type, version, data, idempotency_key):
        # The key goes in the Idempotency-Key header (it may go in the body instead): sending the same
        # publish again, after a timeout say, returns the first event rather than storing a second.
        return self.call(
            "POST",
            f"/applications/{app_id}/events",
            {"type": event_type, "version": version, "data": data},
            headers={"Idempotency-Key": idempotency_key},
        )


def wait_for(check, timeout=15.0):
    """Polls `check` until it returns something truthy, for at most `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError("gave up waiting")
        time.sleep(0.2)


def main():
    hookline = Hookline(os.environ["HOOKLINE_URL"], os.environ["HOOKLINE_API_KEY"])
    receiver_url = os.environ["RECEIVER_URL"]

    app = hookline.call("POST", "/applications", {"name": "python shop"})
    print(f"application: {app['id']}")
    # No retries: a refused delivery goes to the dead-letter queue after its first attempt.
    endpoint = hookline.call(
        "POST",
        f"/applications/{app['id']}/endpoints",
        {"url": receiver_url, "eventTypes": ["order.*"], "retrySchedule": []},
    )
    print(f"endpoint: {endpoint['id']} secret: {endpoint['secret']}")

    order = {
        "orderId": "ord_py_1",
        "customerId": "cus_py",
        "amount": 12.5,
        "currency": "EUR",
        "items": [{"productId": "prod_1", "quantity": 1, "price": 12.5}],
        "status": "pending",
    }
    event = hookline.publish(app["id"], "order.created", "1.0", order, "ord_py_1-created")
    again = hookline.publish(app["id"], "order.created", "1.0", order, "ord_py_1-created")
    print(f"event: {event['id']} duplicate: {str(again['duplicate']).lower()} same: {str(again['id'] == event['id']).lower()}")

    try:
        hookline.publish(app["id"], "order.created", "1.0", {**order, "amount": "twelve"}, "ord_py_bad")
    except HooklineError as error:
        print(f"refused: {error.status} {error.code} {'.'.join(map(str, error.issues[0]['path']))}")

    deliveries = hookline.call("GET", "/deliveries", query={"eventId": event["id"]})
    delivery_id = deliveries["items"][0]["id"]

    def failed_delivery():
        delivery = hookline.call("GET", f"/deliveries/{delivery_id}")
        return delivery if delivery["status"] == "failed" else None

    delivery = wait_for(failed_delivery)
    print(f"delivery: {delivery_id} status: {delivery['status']} attempts: {len(delivery['attempts'])}")

    dead = wait_for(lambda: hookline.call("GET", "/dead-letters", query={"appId": app["id"]})["items"])
    replay = hookline.call("POST", "/dead-letters/replay", {"ids": [dead[0]["id"]]})
    print(f"replayed: {replay['replayed']}")

    # Bodiless calls: no body, no Content-Type.
    retried = hookline.call("POST", f"/deliveries/{delivery_id}/retry")
    print(f"retried: {retried['id']}")
    keys = hookline.call("POST", f"/endpoints/{endpoint['id']}/secret/rotate")
    print(f"rotated: {len(keys['keys'])} keys")
    return 0


if __name__ == "__main__":
    sys.exit(main())
