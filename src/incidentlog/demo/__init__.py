"""The demo: a realistic sample, its data, and what happens after its incidents."""
