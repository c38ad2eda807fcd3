"""The tap's streams, one module per domain."""
