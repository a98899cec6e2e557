"""The fixed vocabularies, kept apart from storage/tables.py so recording avoids importing SQLModel."""

KINDS = ("roleplay", "new-material", "review")
CHANNELS = ("phone", "in-person", "email", "chat", "social")
SEVERITIES = ("low", "medium", "high")
REMEDIES = ("refund", "voucher", "replacement", "repair", "apology", "other")
CHECK_OUTCOMES = ("satisfied", "not-satisfied", "no-answer")
