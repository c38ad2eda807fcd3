"""Side-by-side benchmarks of tap-intercom and target-supabase against their peers."""
