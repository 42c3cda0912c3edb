"""planning models."""
