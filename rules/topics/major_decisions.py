"""重大行政决策 (31–37): what a text calls one."""

MAJOR_DECISION = "重大行政决策"
MAJOR_DECISION_WORDS = (MAJOR_DECISION, "重大决策")


def mentions_major_decision(text: str) -> bool:
    return any(word in text for word in MAJOR_DECISION_WORDS)
