"""End-to-end reliability suite: `tap-intercom | target-supabase` against the fake Intercom and a
real PostgreSQL, compared with the fake's ground truth."""
