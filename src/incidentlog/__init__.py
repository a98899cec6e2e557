"""incidentlog: benchmark how shops, branches and support desks handle dissatisfied customers."""

__version__ = "0.1.0"
