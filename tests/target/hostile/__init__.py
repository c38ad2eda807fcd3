"""Hostile-input cases for the target, one module per kind of input."""
