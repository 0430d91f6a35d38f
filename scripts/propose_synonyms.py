"""Propose synonyms for the danger lexicon's word groups from WordNet 3.0, for a person to curate.

    apt-get install -y wordnet-base wordnet-sense-index   # Debian's WordNet 3.0
    .venv/bin/pip install -r scripts/requirements-synonyms.txt
    .venv/bin/python scripts/propose_synonyms.py [GROUP ...] > /tmp/proposals.txt

A build-time helper only: the assistant never imports nltk or reads WordNet.
It copies Debian's database from /usr/share/wordnet into
build/nltk_data/corpora/wordnet (nltk reads no other place), adds the
standard 45-line `lexnames` file the Debian package lacks, and prints, for
each group of content/lexicon.yml (and a few danger verbs of
content/danger.yml), the single-word synonyms and close hyponyms WordNet
gives that the group does not have yet. Most are noise for parents' speech
("pistol" gives "gat" and "rod"): a maintainer copies the useful ones into
the content files by hand, with examples.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from typing import Any, Dict, Iterable, List, Set

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEBIAN_WORDNET = Path("/usr/share/wordnet")
NLTK_DATA = ROOT / "build" / "nltk_data"

LEXNAMES = """adj.all adj.pert adv.all noun.Tops noun.act noun.animal noun.artifact noun.attribute noun.body
noun.cognition noun.communication noun.event noun.feeling noun.food noun.group noun.location noun.motive
noun.object noun.person noun.phenomenon noun.plant noun.possession noun.process noun.quantity noun.relation
noun.shape noun.state noun.substance noun.time verb.body verb.change verb.cognition verb.communication
verb.competition verb.consumption verb.contact verb.creation verb.emotion verb.motion verb.perception
verb.possession verb.social verb.stative verb.weather adj.ppl""".split()
_POS_NUMBER = {"adj": 3, "adv": 4, "noun": 1, "verb": 2}

# Which part of speech each group's words are, and whether kinds of them (hyponyms) are wanted.
GROUPS: Dict[str, tuple] = {
    "child": ("n", False),
    "adult": ("n", False),
    "abuser": ("n", False),
    "harm": ("v", False),
    "weapon": ("n", True),
    "image": ("n", False),
    "drug": ("n", True),
    "target": ("n", False),
}
# Danger words of content/danger.yml that are not a group, by part of speech.
DANGER_WORDS = {
    "v": ["kidnap", "abduct", "strangle", "threaten", "blackmail", "molest", "grope", "stalk", "spike"],
    "n": ["suicide", "overdose", "bomb", "explosive", "genitals", "massacre"],
    "a": ["missing", "naked", "suicidal"],
}


def prepare_wordnet(target: Path = NLTK_DATA) -> Path:
    """Copy Debian's WordNet where nltk looks, with the lexnames file; return the nltk_data folder."""
    corpus = target / "corpora" / "wordnet"
    if not (DEBIAN_WORDNET / "data.noun").exists():
        sys.exit("WordNet is missing: apt-get install -y wordnet-base wordnet-sense-index")
    corpus.mkdir(parents=True, exist_ok=True)
    for path in DEBIAN_WORDNET.iterdir():
        if path.is_file():
            shutil.copy2(path, corpus / path.name)
    lines = [f"{i:02d}\t{name}\t{_POS_NUMBER[name.split('.')[0]]}" for i, name in enumerate(LEXNAMES)]
    assert len(lines) == 45
    (corpus / "lexnames").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def _single_words(names: Iterable[str]) -> Set[str]:
    return {n.lower() for n in names if "_" not in n and "-" not in n and n.isalpha()}


def proposals(
    wordnet: Any, words: List[str], pos: str, hyponyms: bool, senses: int = 2
) -> Dict[str, Set[str]]:
    """For each word, the synonyms (and with ``hyponyms``, kinds) of its first ``senses`` senses."""
    found: Dict[str, Set[str]] = {}
    for word in words:
        names: Set[str] = set()
        for synset in wordnet.synsets(word, pos=pos)[:senses]:
            names |= _single_words(synset.lemma_names())
            if hyponyms:
                for kind in synset.hyponyms():
                    names |= _single_words(kind.lemma_names())
        found[word] = names - {word}
    return found


def main(argv: List[str] | None = None) -> int:
    """Print the proposals, group by group."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("groups", nargs="*", help="groups to propose for (default: all)")
    parser.add_argument("--senses", type=int, default=2, help="how many senses of each word to follow")
    args = parser.parse_args(argv)
    import nltk

    nltk.data.path.insert(0, str(prepare_wordnet()))
    from nltk.corpus import wordnet

    print(f"WordNet {wordnet.get_version()} from {DEBIAN_WORDNET}")
    groups = yaml.safe_load((ROOT / "content" / "lexicon.yml").read_text(encoding="utf-8"))["groups"]
    for name, (pos, hyponyms) in GROUPS.items():
        if args.groups and name not in args.groups:
            continue
        have = set(groups[name])
        found = proposals(wordnet, groups[name], pos, hyponyms, args.senses)
        new = sorted({w for names in found.values() for w in names} - have)
        print(f"\n{{{name}}} ({len(new)} new): {', '.join(new)}")
        for word, names in sorted(found.items()):
            if names - have:
                print(f"  {word}: {', '.join(sorted(names - have))}")
    if not args.groups:
        for pos, words in DANGER_WORDS.items():
            for word, names in proposals(wordnet, words, pos, False, args.senses).items():
                if names:
                    print(f"\n{word} ({pos}): {', '.join(sorted(names))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
