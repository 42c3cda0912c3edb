"""Letters to partners: purchase orders to suppliers and their one-time confirmation links, and
order confirmations and revised delivery dates to customers."""
