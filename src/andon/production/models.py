"""Shop-floor execution: work orders and what happens to them."""
