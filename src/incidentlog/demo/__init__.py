"""The demo: a realistic sample, its data, and the guard that keeps it apart."""
