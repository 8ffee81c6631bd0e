"""Library helpers that need no corpus."""

from __future__ import annotations

import pytest

from retrieval.library import heading_title


@pytest.mark.parametrize(
    ("heading", "title"),
    [
        ("Article 3. Breadth of the territorial sea", "Breadth of the territorial sea"),
        ("Article 28 — Prevention of disputes", "Prevention of disputes"),
        ("PART X. GOOD FAITH AND ABUSE OF RIGHTS", "GOOD FAITH AND ABUSE OF RIGHTS"),
        ("III. Membership", "Membership"),
        ("Rule 51", "Rule 51"),
        ("Annex II", "Annex II"),
        ("Cyber diplomacy", "Cyber diplomacy"),
        ("2024 review", "2024 review"),
    ],
)
def test_a_heading_title_is_the_heading_without_its_number(heading: str, title: str) -> None:
    assert heading_title(heading) == title
