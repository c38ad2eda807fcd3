"""Table shapes: what a stream's table looks like (columns, types, names, key, indexes) and the
target's own tables, before any SQL."""
