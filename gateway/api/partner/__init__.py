"""The partner side of the API: signed requests in, signed receipts out, thin handlers."""
