"""The stdlib-only core: clock, dates, periods, statistics, names, errors."""
