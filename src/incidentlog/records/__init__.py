"""Recording and reading back incidents, training sessions and names."""
