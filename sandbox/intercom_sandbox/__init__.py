"""Fake Intercom API and throwaway local PostgreSQL servers for tests, the demo and benchmarks."""
