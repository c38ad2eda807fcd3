"""Singer target for Supabase (PostgreSQL)."""
