"""Hostile-input cases for the target (issue 13), one module per kind of input."""
