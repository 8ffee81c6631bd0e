"""Parsing articles into sections, on the real corpus and on edge cases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from retrieval.corpus import Article, CorpusError, load_corpus, read_article, scan_corpus
from retrieval.library import Library
from tests.conftest import CORPUS_DIR, SHARED_DIR, needs_shared

PINNED_HEADINGS = {
    "002_4cc881364868c97c.txt": [
        "Introduction",
        "The Role of Defense Diplomacy in Enhancing National Security",
        "Key Components of International Cooperation in Defense Strategies",
        "Military Alliances and International Partnerships",
        "Joint Military Exercises and Training Programs",
        "Intelligence Sharing and Information Exchange",
        "Frameworks Facilitating Defense Diplomacy and International Cooperation",
        "Multilateral Security Organizations (e.g., NATO, UN peacekeeping)",
        "Bilateral Defense Agreements",
        "The Impact of Defense Diplomacy on Regional Stability",
        "Challenges to Effective Defense Diplomacy and International Cooperation",
        "Case Studies of Successful Defense Diplomacy Initiatives",
        "The Influence of Defense Diplomacy on National Security Strategies",
        "Future Trends in Defense Diplomacy and International Cooperation",
        "The Role of International Organizations in Promoting Defense Diplomacy",
        "Enhancing Effectiveness of Defense Diplomacy Within National Security Strategies",
    ],
    "003_2474ebadbfed9a86.txt": [
        "Introduction",
        "The Role of Defense Diplomacy in Shaping International Security Initiatives",
        "Key Platforms for Defense Diplomacy in Global Forums",
        "Strategies for Effective Defense Diplomacy in Global Forums",
        "Challenges Faced by Military Diplomacy in International Settings",
        "The Impact of Defense Diplomacy on Global Security Architecture",
        "Case Studies of Successful Defense Diplomacy Initiatives",
        "The U.S.-India Defense Cooperation in Multilateral Forums",
        "NATO’s Crisis Management and Partnership Engagements",
        "Future Trends in Defense Diplomacy within Global Forums",
        "The Role of Military Leaders and Diplomats in Global Forums",
        "Developing Diplomatic Skills among Military Personnel",
        "Building Long-term Relationships for Strategic Advantage",
        "Best Practices for Enhancing Defense Diplomacy Outcomes",
        "The Influence of Geopolitical Shifts on Defense Diplomacy Approaches",
        "Emerging Global Powers and Their Diplomatic Strategies",
        "Regional Conflicts and Their Impact on Multilateral Engagements",
        "Conclusion: The Strategic Significance of Defense Diplomacy in Global Forums for Military and International Relations",
    ],
    "000_a7344eb02c9b6968.txt": [
        "Introduction",
        "The Role of Diplomacy in Shaping Security Alliances",
        "International Security Cooperation Frameworks and Institutions",
        "Integrating Military Diplomacy into National Security Strategies",
        "Challenges to Diplomatic Efforts in Ensuring Security",
        "Political Will and Sovereignty Concerns",
        "Addressing Non-State Actors and Asymmetric Threats",
        "The Impact of Diplomatic Communication on Crisis Management",
        "De-escalation of Conflicts Through Diplomatic Channels",
        "Preventing Misunderstandings and Escalations",
        "Cybersecurity and Diplomatic Strategies for Digital Security",
        "The Role of Non-Governmental Actors in Security Diplomacy",
        "Case Studies: Successful Diplomacy in International Security Cooperation",
        "The Future of Diplomacy in Shaping Global Security Architecture",
        "Enhancing Security Cooperation Through Strategic Diplomacy",
    ],
    "001_5104a1948d29d4f0.txt": [
        "Introduction",
        "The Role of Military Diplomacy in Global Security Frameworks",
        "Interactions Between Military Diplomacy and International Organizations",
        "Military Assistance and Peacekeeping Missions",
        "Bilateral and Multilateral Military Cooperation",
        "Challenges in Aligning Military Diplomacy with International Organization Goals",
        "Case Studies of Military Diplomacy Facilitating International Collaboration",
        "The Ongoing role of military diplomacy in counter-terrorism efforts",
        "Post-conflict reconstruction and international military cooperation",
        "The Impact of Military Diplomacy on International Security Architecture",
        "Strengthening conflict prevention mechanisms",
        "Enhancing crisis response and military interoperability",
        "Future Trends in Military Diplomacy and International Organization Engagement",
        "Increasing role of cyber capabilities and technological cooperation",
        "Evolving diplomatic strategies amidst shifting geopolitical dynamics",
        "Critical Analysis of the Effectiveness of Military Diplomacy Methods",
        "The Strategic Value of Military Diplomacy for National and Global Security",
    ],
    "004_670f22be89b731e6.txt": [
        "Introduction",
        "Understanding Military Diplomacy",
        "Elements of Military Diplomacy",
        "Communication Channels",
        "Strategic Alliances",
        "Military Diplomacy in International Conflicts",
        "The Role of Military Attachés",
        "Diplomatic Military Engagement Strategies",
        "Joint Exercises",
        "Humanitarian Assistance",
        "Challenges of Military Diplomacy",
        "Military Diplomacy and Conflict Resolution",
        "The Influence of Technology on Military Diplomacy",
        "The Future of Military Diplomacy",
        "Emerging Trends",
        "Geopolitical Shifts",
        "Assessing the Effectiveness of Military Diplomacy",
    ],
}


def test_bundled_corpus_yields_exactly_the_pinned_sections(library: Library) -> None:
    found = {
        article.source_file: [section.heading for section in article.sections]
        for article in library.articles
    }
    assert found == PINNED_HEADINGS
    assert len(library.sections) == 83


@needs_shared
def test_bundled_files_are_the_shared_articles_unchanged() -> None:
    shared = sorted(p.read_bytes() for p in (SHARED_DIR / "corpus").glob("*.txt"))
    bundled = sorted(p.read_bytes() for p in CORPUS_DIR.glob("*.txt"))
    assert bundled == shared


def test_manifest_titles_and_source_files(library: Library) -> None:
    titles = {a.source_file: a.title for a in library.articles}
    assert titles["002_4cc881364868c97c.txt"] == (
        "Enhancing Global Stability Through Defense Diplomacy and International Cooperation"
    )
    assert all(title and not title.endswith(".txt") for title in titles.values())


def test_see_also_title_and_provenance_are_not_content(library: Library) -> None:
    article = next(a for a in library.articles if a.source_file.startswith("002"))
    assert article.provenance is not None
    assert article.provenance.startswith("Quick note: This article was generated by AI")
    everything = "\n".join(p for s in article.sections for p in (s.heading, *s.paragraphs))
    assert "See also" not in everything
    assert "Quick note" not in everything
    assert article.sections[0].heading == "Introduction"
    assert article.sections[0].paragraphs[0].startswith("Defense diplomacy and international")


def test_lead_in_and_bullets_join_the_paragraph_before(library: Library) -> None:
    section = library.sections[
        "diplomacy-in-international-security-cooperation/"
        "integrating-military-diplomacy-into-national-security-strategies"
    ]
    assert len(section.paragraphs) == 2
    assert section.paragraphs[0].endswith(
        "Key steps include:\n"
        "- Establishing communication channels between military and diplomatic personnel.\n"
        "- Incorporating diplomatic objectives into military planning.\n"
        "- Facilitating joint exercises to build interoperability and confidence.\n"
        "- Using military diplomacy as a tool for crisis prevention and conflict resolution."
    )


def test_section_ids_are_stable_slugs_and_positions_ordered(library: Library) -> None:
    for article in library.articles:
        assert [s.position for s in article.sections] == list(range(len(article.sections)))
        for section in article.sections:
            assert section.id.startswith(article.slug + "/")
            assert section.article == article.slug
    assert (
        "military-diplomacy-in-international-conflicts/the-role-of-military-attaches"
        in library.sections
    )
    assert len(set(library.sections)) == 83


def test_a_file_whose_encoding_cannot_be_told_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "unknown.txt"
    path.write_bytes(bytes(range(0x80, 0x100)) * 3)
    with pytest.raises(CorpusError, match=r"unknown\.txt: not UTF-8, and its encoding cannot"):
        read_article(path, slug="unknown")


def test_empty_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("  \n\n")
    with pytest.raises(CorpusError, match=r"empty\.txt: the file is empty"):
        read_article(path, slug="empty")


def test_bad_file_is_skipped_and_good_ones_load(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("Good Heading\nSome real text about alliances.\n")
    (tmp_path / "bad.txt").write_bytes(bytes(range(0x80, 0x100)) * 3)
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    loaded = load_corpus(tmp_path)
    assert [a.source_file for a in loaded.articles] == ["good.txt"]
    reasons = {Path(s.path).name: s.reason for s in loaded.skipped}
    assert set(reasons) == {"bad.txt", "notes.pdf"}
    assert "UTF-8" in reasons["bad.txt"]


def test_folder_with_nothing_usable_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    with pytest.raises(CorpusError, match="no usable article"):
        load_corpus(tmp_path)
    with pytest.raises(CorpusError, match="not found"):
        load_corpus(tmp_path / "missing")


def test_links_out_of_the_corpus_are_never_read(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "real.txt").write_text("Arctic Shipping\nIce is melting across the north.\n")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("Secret Heading\nroot:x:0:0:root:/root:/bin/bash\n")
    (corpus / "passwd.txt").symlink_to("/etc/passwd")
    (corpus / "elsewhere").symlink_to(outside, target_is_directory=True)
    (corpus / "alias.txt").symlink_to(corpus / "real.txt")  # inside: fine (a duplicate)
    loaded = scan_corpus(corpus)
    texts = " ".join(s.text for a in loaded.articles for s in a.sections)
    assert "root:" not in texts and "Secret" not in texts
    reasons = {Path(s.path).name: s.reason for s in loaded.skipped}
    assert "outside the corpus folder" in reasons["passwd.txt"]
    assert "outside the corpus folder" in reasons["elsewhere"]
    duplicate = reasons.get("alias.txt") or reasons.get("real.txt") or ""
    assert duplicate.startswith("duplicate of")


def test_an_unreadable_folder_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    (tmp_path / "ok.txt").write_text("Arctic Shipping\nIce is melting across the north.\n")
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "b.txt").write_text("Heading\nText here.\n")
    real_scandir = os.scandir

    def scandir(path):  # what a folder without read permission does (tests run as root)
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    loaded = scan_corpus(tmp_path)
    assert [a.title for a in loaded.articles] == ["Ok"]
    assert any(
        s.path.endswith("locked") and "cannot be read (Permission denied)" in s.reason
        for s in loaded.skipped
    )


def test_every_article_has_its_own_identity_whatever_its_name(tmp_path: Path) -> None:
    names = {  # file name: (text, words only this file has)
        "Арктика.md": ("Northern sea ice thins every summer in the Barents.", "Barents ice"),
        "太平洋.md": ("Pacific island states seek coastguard partnerships.", "coastguard"),
        "Café.md": ("Diplomats met in a café to discuss the armistice.", "armistice"),
        "cafe.md": ("The cafe talks covered grain corridors in the Black Sea.", "grain corridors"),
        "a b.txt": (
            "Heading One\nSpace twin writes at length about sanctions relief.",
            "sanctions relief",
        ),
        "a-b.txt": (
            "Heading One\nHyphen twin writes at length about naval drills.",
            "naval drills",
        ),
        "Arctic.md": ("Icebreakers escort convoys through the polar route.", "icebreakers"),
        "arctic.md": ("Research stations double as listening posts in winter.", "listening posts"),
    }
    for name, (text, _) in names.items():
        (tmp_path / name).write_text(text + "\n", encoding="utf-8")
    loaded = scan_corpus(tmp_path)
    assert len(loaded.articles) == len(names), loaded.skipped
    slugs = [a.slug for a in loaded.articles]
    assert len(set(slugs)) == len(slugs)
    assert "arktika" in slugs and "taipingyang" in slugs and "untitled" not in slugs
    assert {"a-b", "arctic", "cafe"} <= set(slugs), "a name that is its slug keeps it"
    assert len(loaded.renamed) == 3
    library = Library(loaded)
    from retrieval.briefing import build_briefing

    for name, (text, words) in names.items():
        briefing = build_briefing(library, words)
        assert briefing.sources, name
        for source in briefing.sources:  # every citation names the file the quote is from
            section = library.sections[source.section_id]
            article = library.article_of(section)
            assert source.source_file == article.source_file
            assert source.article_title == article.title
        first = library.sections[briefing.sources[0].section_id]
        assert library.article_of(first).source_file == name, name
        assert text.split("\n")[-1][:20] in first.text
    assert {a.title for a in loaded.articles} >= {"Арктика", "太平洋", "Café"}


def test_server_articles_never_share_an_identity_with_shared_ones(tmp_path: Path) -> None:
    from retrieval.corpus_set import CorpusSet

    (tmp_path / "arctic.md").write_text("Shared arctic article about icebreakers.\n")
    server = tmp_path / "123456789012345678"
    server.mkdir()
    (server / "arctic.md").write_text("Server arctic article about research stations.\n")
    corpora = CorpusSet.load(tmp_path)
    own = corpora.for_guild(123456789012345678)
    assert len(own.articles) == 2 and len({a.slug for a in own.articles}) == 2


def test_folders_that_look_meant_for_a_server_are_refused(tmp_path: Path) -> None:
    from retrieval.corpus_set import CorpusSet

    server = "123456789012345678"
    (tmp_path / "shared.txt").write_text("Heading\nShared text about treaties and alliances.\n")
    for folder in (f"{server} (Study Group)", f"sub/{server}", server):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "notes.txt").write_text(
            f"Private\nPrivate notes of {folder.split('/')[0]} about the zanzibar accord.\n"
        )
    corpora = CorpusSet.load(tmp_path)
    shared_text = " ".join(s.text for s in corpora.shared.sections.values())
    assert "zanzibar" not in shared_text.lower(), "no misnamed folder is served to everyone"
    refused = [s for s in corpora.shared.skipped if "not one" in s.reason]
    assert sorted(Path(s.path).name for s in refused) == sorted([f"{server} (Study Group)", server])
    own = corpora.for_guild(int(server))
    assert any("zanzibar" in s.text.lower() for s in own.sections.values())


def test_a_file_is_parsed_again_only_when_its_bytes_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import retrieval.corpus as corpus

    parsed: list[str] = []
    real = corpus.parse_article

    def counting(data: bytes, suffix: str, info: corpus.ArticleInfo, **options: Any) -> Article:
        parsed.append(info.source_file)
        return real(data, suffix, info, **options)

    monkeypatch.setattr(corpus, "parse_article", counting)
    path = tmp_path / "a.txt"
    path.write_text("Heading\nSome text about treaties.\n")
    first = read_article(path, slug="a")
    assert read_article(path, slug="a") is first and parsed == ["a.txt"]
    path.write_text("Heading\nSome text about alliance.\n")  # same size, new text
    assert "alliance." in read_article(path, slug="a").sections[0].paragraphs[0]
    assert parsed == ["a.txt", "a.txt"]
