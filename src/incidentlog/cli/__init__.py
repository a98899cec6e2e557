"""The command-line interface: parse, call the domain, render. Nothing else."""
