"""The case catalogue on the bundled corpus, and its extraction rules on new text."""

from __future__ import annotations

import pytest

from retrieval.briefing import case_briefing
from retrieval.cases import CASE_STUDY, EXAMPLE, Curation, example_name, extract_cases
from retrieval.formats import ArticleInfo
from retrieval.formats.text import parse_text
from retrieval.library import Library

# (name, kind, source_file, heading of the introducing section)
PINNED = [
    (
        "NATO (collective defence, crisis management and partnerships)",
        CASE_STUDY,
        "002_4cc881364868c97c.txt",
        "Case Studies of Successful Defense Diplomacy Initiatives",
    ),
    (
        "ASEAN Defence Ministers' Meeting (ADMM)",
        CASE_STUDY,
        "002_4cc881364868c97c.txt",
        "Case Studies of Successful Defense Diplomacy Initiatives",
    ),
    (
        "US–UK joint military training",
        CASE_STUDY,
        "002_4cc881364868c97c.txt",
        "Case Studies of Successful Defense Diplomacy Initiatives",
    ),
    (
        "US–India defence cooperation in multilateral forums",
        CASE_STUDY,
        "003_2474ebadbfed9a86.txt",
        "Case Studies of Successful Defense Diplomacy Initiatives",
    ),
    (
        "Iran Nuclear Deal (JCPOA)",
        CASE_STUDY,
        "000_a7344eb02c9b6968.txt",
        "Case Studies: Successful Diplomacy in International Security Cooperation",
    ),
    (
        "US–North Korea summits",
        CASE_STUDY,
        "000_a7344eb02c9b6968.txt",
        "Case Studies: Successful Diplomacy in International Security Cooperation",
    ),
    (
        "Ebola response in West Africa",
        CASE_STUDY,
        "000_a7344eb02c9b6968.txt",
        "Case Studies: Successful Diplomacy in International Security Cooperation",
    ),
    (
        "ISAF in Afghanistan",
        CASE_STUDY,
        "001_5104a1948d29d4f0.txt",
        "Case Studies of Military Diplomacy Facilitating International Collaboration",
    ),
    (
        "US–France counter-terrorism cooperation",
        CASE_STUDY,
        "001_5104a1948d29d4f0.txt",
        "Case Studies of Military Diplomacy Facilitating International Collaboration",
    ),
    (
        "Post-conflict reconstruction in the Balkans",
        CASE_STUDY,
        "001_5104a1948d29d4f0.txt",
        "Case Studies of Military Diplomacy Facilitating International Collaboration",
    ),
    (
        "UN peacekeeping missions",
        EXAMPLE,
        "002_4cc881364868c97c.txt",
        "Multilateral Security Organizations (e.g., NATO, UN peacekeeping)",
    ),
    (
        "United Nations",
        EXAMPLE,
        "000_a7344eb02c9b6968.txt",
        "International Security Cooperation Frameworks and Institutions",
    ),
    (
        "U.S.-Japan Security Treaty",
        EXAMPLE,
        "001_5104a1948d29d4f0.txt",
        "Bilateral and Multilateral Military Cooperation",
    ),
    (
        "China's rise and US Asia-Pacific alliances",
        EXAMPLE,
        "004_670f22be89b731e6.txt",
        "Geopolitical Shifts",
    ),
    (
        "US–Russia Joint Military Dialogue",
        EXAMPLE,
        "004_670f22be89b731e6.txt",
        "Assessing the Effectiveness of Military Diplomacy",
    ),
]


def test_catalogue_is_pinned_with_sources(library: Library) -> None:
    found = []
    for case in library.cases.cases:
        section = library.sections[case.sources[0].section_id]
        found.append(
            (case.name, case.kind, library.article_of(section).source_file, section.heading)
        )
    assert sorted(found) == sorted(PINNED)
    names = [case.name for case in library.cases.cases]
    assert len(names) == len(set(names)), "no case appears twice"
    kinds = [case.kind for case in library.cases.cases]
    assert kinds == sorted(kinds, key=lambda k: k != CASE_STUDY), "case studies before examples"


def test_intro_sentences_are_quoted_exactly(library: Library) -> None:
    for case in library.cases.cases:
        for source in case.sources:
            section = library.sections[source.section_id]
            assert source.intro in section.text
            for sentence in source.supporting:
                assert sentence in section.text


def test_nato_is_one_case_with_many_sources(library: Library) -> None:
    nato = library.cases.find("nato").case
    assert nato is not None
    articles = {library.sections[s.section_id].article for s in nato.sources}
    assert len(articles) >= 3
    headings = {library.sections[s.section_id].heading for s in nato.sources}
    assert "NATO’s Crisis Management and Partnership Engagements" in headings


def test_sub_section_with_the_case_heading_belongs_to_it(library: Library) -> None:
    india = library.cases.find("us-india").case
    assert india is not None
    headings = [library.sections[s.section_id].heading for s in india.sources]
    assert "The U.S.-India Defense Cooperation in Multilateral Forums" in headings


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("jcpoa", "Iran Nuclear Deal (JCPOA)"),
        ("JCPOA", "Iran Nuclear Deal (JCPOA)"),
        ("iran deal", "Iran Nuclear Deal (JCPOA)"),
        ("Iran nuclear deal", "Iran Nuclear Deal (JCPOA)"),
        ("Joint Comprehensive Plan of Action", "Iran Nuclear Deal (JCPOA)"),
        ("isaf", "ISAF in Afghanistan"),
        ("International Security Assistance Force", "ISAF in Afghanistan"),
        ("asean", "ASEAN Defence Ministers' Meeting (ADMM)"),
        ("ADMM", "ASEAN Defence Ministers' Meeting (ADMM)"),
        ("nato", "NATO (collective defence, crisis management and partnerships)"),
        ("balkans", "Post-conflict reconstruction in the Balkans"),
        ("ebola", "Ebola response in West Africa"),
        ("north korea", "US–North Korea summits"),
        ("US-Russia Joint Military Dialogue", "US–Russia Joint Military Dialogue"),
        ("us japan security treaty", "U.S.-Japan Security Treaty"),
        ("rise of china", "China's rise and US Asia-Pacific alliances"),
    ],
)
def test_lookup_by_name_alias_or_fuzzy(library: Library, typed: str, name: str) -> None:
    match = library.cases.find(typed)
    assert match.case is not None and match.case.name == name


def test_every_alias_finds_its_case(library: Library) -> None:
    for case in library.cases.cases:
        for alias in case.aliases:
            assert library.cases.find(alias).case == case, alias


def test_no_match_suggests_only_cases_that_are_close(library: Library) -> None:
    for far in ("pizza dough", "suez"):
        match = library.cases.find(far)
        assert match.case is None and match.suggestions == (), far
    near = library.cases.find("nato summit")
    assert near.case is None or "NATO" in near.case.name
    if near.case is None:
        assert any("NATO" in case.name for case in near.suggestions)


def test_case_briefing_is_cited_and_exact(library: Library) -> None:
    case = library.cases.find("isaf").case
    briefing = case_briefing(library, case)
    assert briefing.title == "Case study: ISAF in Afghanistan"
    assert briefing.excerpts[0].text.startswith("For example, the NATO-led International")
    for excerpt in briefing.excerpts:
        assert excerpt.quoted in library.sections[excerpt.section_id].text


def test_extraction_works_on_a_new_article_without_curation() -> None:
    text = (
        "Arctic Security\n"
        "Intro text about the north.\n"
        "Case Studies in Arctic Cooperation\n"
        "Several cases show how cooperation works.\n"
        "One notable example is the Arctic Council (AC), which brings states together. It meets often.\n"
        "Another significant case is the Ilulissat Declaration, signed in 2008.\n"
        "These cases show that dialogue helps.\n"
        "Other Matters\n"
        "For instance, the Svalbard Treaty has kept the archipelago demilitarised.\n"
        "For example, rising tensions may change things.\n"
    )
    article = parse_text(text, ArticleInfo(slug="arctic", source_file="arctic.txt"))
    cases = extract_cases(article.sections, {}, Curation())
    assert [(c.name, c.kind) for c in cases] == [
        ("Arctic Council (AC)", CASE_STUDY),
        ("Ilulissat Declaration", CASE_STUDY),
        ("Svalbard Treaty", EXAMPLE),
    ]
    assert cases[0].aliases[:2] == ("Arctic Council", "AC")


def test_curation_renames_merges_and_hides() -> None:
    text = (
        "Case Studies\n"
        "One notable example is the Arctic Council (AC), which brings states together.\n"
        "Another significant case is the Ilulissat Declaration, signed in 2008.\n"
        "Notes\n"
        "For instance, the Svalbard Treaty has kept the archipelago demilitarised.\n"
    )
    article = parse_text(text, ArticleInfo(slug="a", source_file="a.txt"))
    curation = Curation(
        renames={"ac": "The Arctic Council"},
        merges={"ilulissat declaration": "ac"},
        hidden=frozenset({"svalbard treaty"}),
    )
    cases = extract_cases(article.sections, {}, curation)
    assert [c.name for c in cases] == ["The Arctic Council"]
    assert len(cases[0].sources) == 2


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("These examples highlight the value of dialogue.", None),
        ("For instance, bilateral agreements create transparency.", None),
        ("The NATO alliance stands as a prime example, showing unity.", "NATO alliance"),
        ("NATO, for example, provides a framework.", "NATO"),
    ],
)
def test_example_names(sentence: str, name: str | None) -> None:
    assert example_name(sentence, in_case_section=False) == name
