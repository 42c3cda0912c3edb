"""Team communication: comments with @mentions on orders, work centers and alerts, and shift
handover notes that the next shift acknowledges."""
