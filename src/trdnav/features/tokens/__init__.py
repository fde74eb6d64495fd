"""Staff API tokens: random, stored only as a hash, expiring, revocable, audited."""
