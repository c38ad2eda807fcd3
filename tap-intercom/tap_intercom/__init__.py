"""Singer tap for Intercom."""
