"""Which in-tree modules need which providers loaded first (in order);
shared by scripts/compare-report and tests/test_compare.py."""
PROVIDERS = {"consumer": ["provider"], "chain_b": ["chain_a"], "chain_c": ["chain_a", "chain_b"]}
