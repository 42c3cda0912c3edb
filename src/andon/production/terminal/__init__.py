"""The operator terminal: a touch page per work center for the tablet at the machine.

The server side only reads: it renders the page and answers the work center's state as JSON.
Every action the operator takes becomes a shop-floor event that the page queues on the device
and sends to `POST /api/v1/events`, so the terminal keeps working through a network outage and a
resend is a no-op.
"""
