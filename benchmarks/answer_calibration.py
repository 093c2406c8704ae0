"""Calibration of the answering thresholds on SciFact (never on the unit-test fixtures).

1. Relevance (extractive "no answer"): how many of the 300 test claims, whose answers are in the
   corpus, get an answer (and whether its first citation is a relevant abstract), against off-topic
   questions the corpus cannot answer; with the best passage similarity of each set.
2. Citation support: dev claims against their SUPPORT and CONTRADICT evidence sentences, and against
   other sentences of the same abstracts (which should mostly not count as support).

    .venv/bin/python -m benchmarks.answer_calibration [--store /tmp/scifact-store]
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assistant import extractive
from assistant.answering import answer
from assistant.citations import supports
from assistant.compose import NO_ANSWER
from assistant.evidence import embed
from assistant.factory import make_embedder
from assistant.library import Library
from assistant.retrieval import retrieve
from assistant.settings import Settings
from assistant.textmatch import term_set
from benchmarks.scifact_retrieval import load_qrels, load_queries
from evals.scifact_store import DEFAULT_DATA, build_store

OFF_TOPIC = [
    "Who won the 2018 football World Cup?", "What is the capital of Australia?", "How do I bake sourdough bread?",
    "When did the Berlin Wall fall?", "What is the best programming language for web development?",
    "How tall is Mount Everest?", "Who wrote Pride and Prejudice?", "What time does the train to Paris leave?",
    "How do I change a car tyre?", "What is the exchange rate of the euro to the dollar?",
    "Which team won the NBA finals last year?", "How many moons does Jupiter have?",
    "What did NATO agree at the Hague summit?", "Who is the prime minister of Canada?",
    "How do I reset my router password?", "What is the plot of Hamlet?", "Where is the Eiffel Tower?",
    "What are the rules of chess castling?", "How much does a Tesla Model 3 cost?",
    "What is the boiling point of water at sea level in Fahrenheit?", "Who painted the Mona Lisa?",
    "How do you say thank you in Japanese?", "What is the population of Brazil?",
    "When is the next solar eclipse in Europe?", "Which planet has the largest rings?",
    "How should I train for a marathon?", "What did the central bank decide about interest rates?",
    "How do I write a cover letter?", "What is the difference between a violin and a viola?",
    "Which countries border Switzerland?", "What is quantum computing used for in finance?",
    "How long should I boil an egg?", "What are the lyrics of the national anthem of France?",
    "Who founded the Roman Empire?", "How do airplanes stay in the air?", "What is a haiku?",
    "Where do penguins live?", "How is olive oil made?", "What is the tallest building in the world?",
    "Why did the stock market fall on Monday?",
]


Row = tuple[bool, str, float, str]


def _answers(library: Library, questions: Sequence[str], k: int) -> list[Row]:
    """(answered, source of the first citation, best passage similarity, first quote) per question."""
    out = []
    for q in questions:
        sims = [p.similarity for p in retrieve(library, q, k) if p.similarity is not None]
        a = answer(library, q, k=k)
        first = a.citations[0] if a.citations else None
        out.append((a.answer != NO_ANSWER, first.source_id if first else "", max(sims, default=0.0),
                    first.quote if first else ""))
    return out


def _evidence_sentences(data: Path) -> dict[str, dict[str, set[str]]]:
    """Claim id -> abstract id -> its gold evidence sentences (SUPPORT or CONTRADICT)."""
    abstracts = _abstracts(data)
    out: dict[str, dict[str, set[str]]] = {}
    with (data / "claims_dev.jsonl").open(encoding="utf-8") as f:
        for line in f:
            claim = json.loads(line)
            for doc, sets in claim["evidence"].items():
                sents = abstracts.get(str(doc), [])
                out.setdefault(str(claim["id"]), {})[str(doc)] = {
                    " ".join(sents[i].split()) for s in sets for i in s["sentences"] if i < len(sents)}
    return out


def _abstracts(data: Path) -> dict[str, list[str]]:
    with (data / "corpus_sentences.jsonl").open(encoding="utf-8") as f:
        return {str(row["doc_id"]): row["abstract"] for row in map(json.loads, f)}


def relevance(library: Library, data: Path, k: int) -> None:
    qrels = load_qrels(data / "qrels" / "test.tsv")
    queries = load_queries(data, qrels)
    claims = _answers(library, list(queries.values()), k)
    off = _answers(library, OFF_TOPIC, k)
    gold = _evidence_sentences(data)
    answered = sum(r[0] for r in claims)
    right = sum(r[0] and r[1] in qrels.get(qid, {}) for qid, r in zip(queries, claims, strict=True))
    with_gold = [(r, gold[qid][r[1]]) for qid, r in zip(queries, claims, strict=True) if gold.get(qid, {}).get(r[1])]
    hits = sum(any(g in " ".join(r[3].split()) or " ".join(r[3].split()) in g for g in sents) for r, sents in with_gold)
    print(f"relevance: {len(claims)} SciFact test claims (answerable), {len(off)} off-topic questions")
    print(f"  claims answered {answered / len(claims):.1%}; first citation from a relevant abstract "
          f"{right / max(1, answered):.1%}; off-topic answered {sum(r[0] for r in off) / len(off):.1%}")
    print(f"  first quote is a gold evidence sentence: {hits / max(1, len(with_gold)):.1%} of the {len(with_gold)} "
          "answers citing an abstract with annotated evidence")
    for name, rows in (("claims", claims), ("off-topic", off)):
        sims = np.array([r[2] for r in rows])
        print(f"  best passage similarity, {name:<9}: p5 {np.percentile(sims, 5):.2f}  p50 "
              f"{np.percentile(sims, 50):.2f}  p95 {np.percentile(sims, 95):.2f}  max {sims.max():.2f}")


def support(library: Library, data: Path, limit: int) -> None:
    abstracts = _abstracts(data)
    pairs: dict[str, list[tuple[str, str, str]]] = {"SUPPORT": [], "CONTRADICT": [], "same abstract, not evidence": []}
    rng = random.Random(0)
    with (data / "claims_dev.jsonl").open(encoding="utf-8") as f:
        for line in f:
            claim = json.loads(line)
            for doc, sets in claim["evidence"].items():
                sents = abstracts.get(str(doc), [])
                used = {i for s in sets for i in s["sentences"]}
                for s in sets:
                    for i in s["sentences"]:
                        pairs[s["label"]].append((claim["claim"], sents[i], " ".join(sents)))
                others = [i for i in range(len(sents)) if i not in used]
                if others:
                    pairs["same abstract, not evidence"].append(
                        (claim["claim"], sents[rng.choice(others)], " ".join(sents)))
    print("support: share of (claim, sentence) pairs the citation check accepts")
    for label, rows in pairs.items():
        rows = rows[:limit]
        vectors = embed(library, [t for c, s, _ in rows for t in (c, s)])
        accepted = sum(
            supports(c, s, float(vectors[2 * i] @ vectors[2 * i + 1]), term_set(s), passage)
            for i, (c, s, passage) in enumerate(rows)
        )
        print(f"  {label:<28} {accepted / max(1, len(rows)):6.1%}  of {len(rows)}")


def subset(data: Path, folder: Path, distractors: int) -> Path:
    """A SciFact folder whose corpus is the test claims' relevant abstracts plus random others (quicker
    to index than all 5,183); queries, qrels and claims are linked unchanged."""
    folder.mkdir(parents=True, exist_ok=True)
    relevant = {doc for docs in load_qrels(data / "qrels" / "test.tsv").values() for doc in docs}
    with (data / "corpus.jsonl").open(encoding="utf-8") as f:
        rows = [line for line in f if line.strip()]
    others = [r for r in rows if json.loads(r)["_id"] not in relevant]
    keep = [r for r in rows if json.loads(r)["_id"] in relevant] + random.Random(0).sample(others, distractors)
    (folder / "corpus.jsonl").write_text("".join(keep), encoding="utf-8")
    for name in ("queries.jsonl", "qrels", "corpus_sentences.jsonl", "claims_dev.jsonl"):
        if not (folder / name).exists():
            (folder / name).symlink_to(data / name)
    return folder


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--store", type=Path, default=Path("/tmp/scifact-store"))
    parser.add_argument("--subset", type=int, default=None, metavar="N",
                        help="index only the relevant abstracts plus N others (in a data copy beside the store)")
    parser.add_argument("-k", type=int, default=6)
    parser.add_argument("--pairs", type=int, default=400, help="pairs per support label")
    parser.add_argument("--shortlist", type=int, default=None, help="sentences embedded per question "
                        f"(default {extractive.SHORTLIST})")
    args = parser.parse_args(argv)
    if args.shortlist is not None:
        extractive.SHORTLIST = args.shortlist
    data = args.data if args.subset is None else subset(args.data, args.store.parent / "calibration-data",
                                                        args.subset)
    library = build_store(args.store, data, embedder=make_embedder(Settings(store=args.store)))
    try:
        relevance(library, data, args.k)
        support(library, data, args.pairs)
    finally:
        library.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
