#!/usr/bin/env bash
# The README's walkthrough with nothing but curl (and node to pick fields out of JSON).
set -euo pipefail
HOOKLINE_URL=${HOOKLINE_URL:-http://127.0.0.1:3000}
RECEIVER_URL=${RECEIVER_URL:-http://127.0.0.1:4000/webhook}
: "${HOOKLINE_API_KEY:?set HOOKLINE_API_KEY to the admin key that npm start printed}"
api() { curl -sS --fail-with-body -H "authorization: Bearer $HOOKLINE_API_KEY" -H 'content-type: application/json' "$@"; }
field() { node -pe "JSON.parse(require('fs').readFileSync(0, 'utf8'))$1"; }

# 1. An application: the tenant that owns endpoints and events.
APP_ID=$(api -X POST "$HOOKLINE_URL/api/v1/applications" -d '{"name":"Acme Shop"}' | field .id)
echo "application: $APP_ID"

# 2. An endpoint subscribed to every order event. Keep its secret: receivers verify with it.
ENDPOINT=$(api -X POST "$HOOKLINE_URL/api/v1/applications/$APP_ID/endpoints" \
  -d "{\"url\":\"$RECEIVER_URL\",\"eventTypes\":[\"order.*\"]}")
echo "endpoint: $(echo "$ENDPOINT" | field .id), secret: $(echo "$ENDPOINT" | field .secret)"

# 3. Publish an order.created 1.0 event. The same Idempotency key twice creates one event.
EVENT_ID=$(api -X POST "$HOOKLINE_URL/api/v1/applications/$APP_ID/events" -d '{
  "type": "order.created", "version": "1.0", "idempotencyKey": "ord_123-created",
  "data": { "orderId": "ord_123", "customerId": "cus_456", "amount": 99.99, "currency": "USD",
            "items": [{ "productId": "prod_1", "quantity": 2, "price": 49.995 }], "status": "pending" }
}' | field .id)
echo "event: $EVENT_ID"

# 4. Its deliveries (one per subscribed endpoint) and their attempts.
api "$HOOKLINE_URL/api/v1/deliveries?eventId=$EVENT_ID" | field '.items.map(d => d.id + " " + d.status).join("\n")'

# 5. A payload that breaks the schema is refused with a 400 naming the field.
api -X POST "$HOOKLINE_URL/api/v1/applications/$APP_ID/events" \
  -d '{"type":"order.created","version":"1.0","data":{"orderId":"ord_124"}}' || true
echo
