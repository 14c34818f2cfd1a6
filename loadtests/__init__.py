"""Load tests: seeding, the Locust scenarios, the orchestration and its summary."""
