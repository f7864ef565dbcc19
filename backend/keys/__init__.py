"""The keys that seal personal data at rest: building the ring, and re-sealing under a new key."""
