"""The reports: each runs its aggregation in the database and returns plain rows.

One module per report (agents, store, reasons, training, training_time, repeat_customers,
summary); every report function takes an SQLAlchemy Engine or Connection
(``Database.engine()``) and keyword-only options, and never writes. `display` holds how
their values read in tables and in the weekly summary text.
"""
