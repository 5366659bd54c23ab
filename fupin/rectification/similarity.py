"""梳理归纳: suggest groups of near-duplicate problems from their Chinese text.

Each description becomes a vector of character bigrams (Chinese has no spaces, and bigrams are
robust where a word segmenter splits "路灯不亮" and "路灯晚上不亮" differently), weighted by TF-IDF
within the county's problems so that a phrase every problem shares counts for little. Two problems
are similar when the cosine of their vectors reaches the threshold; similar problems are joined
into groups with a union-find, so a group is every problem reachable through similar pairs.

Place names (the county's towns and villages) and the boilerplate of how a problem was raised
("群众反映", "希望尽快解决") are removed first: two problems of one village are not alike because
both name it, and the same problem in two villages is one problem to rectify as one.

Pairs are found without comparing every problem with every other (after AllPairs, Bayardo et al.
2007): each vector is indexed only by its rarer features, those that could still lift a pair over
the threshold, so nothing similar is missed and the long lists of common features are never built;
identical texts are compared once. 5,000 problems take a fraction of a second on an idle core.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
F = TypeVar("F", int, str)

DEFAULT_THRESHOLD = 0.5
# Only the start of a long account counts: the problem is named there.
MAX_CHARS = 400
# How a problem was raised says nothing about what it is.
BOILERPLATE = (
    "群众反映",
    "村民反映",
    "群众提出",
    "据反映",
    "有群众",
    "村民说",
    "希望尽快解决",
    "希望尽快",
    "请尽快解决",
    "尽快解决",
    "群众意见较大",
    "群众意见大",
    "存在问题",
    "的问题",
)
# Particles that a retelling adds or drops.
PARTICLES = str.maketrans("", "", "的了着呢吗吧啊呀")
AREA_SUFFIXES = ("街道办事处", "街道", "社区", "居委会", "村委会", "镇", "乡", "村", "组")
_RUNS = re.compile(r"[\u3400-\u9fff]+|[a-z]+[a-z0-9]*")


def place_words(names: Iterable[str]) -> list[str]:
    """The words to strip for each area name: the name and, where it has one, the name without its
    suffix ("黄家坝村" → "黄家坝村", "黄家坝"), longest first so the full name goes before its core."""
    words: set[str] = set()
    for name in names:
        name = unicodedata.normalize("NFKC", name).strip()
        if len(name) < 2:
            continue
        words.add(name)
        for suffix in AREA_SUFFIXES:
            core = name.removesuffix(suffix)
            if core != name and len(core) >= 2:
                words.add(core)
                break
    return sorted(words, key=lambda w: (-len(w), w))


def _pattern(words: Sequence[str]) -> re.Pattern[str] | None:
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


def features(text: str, strip: re.Pattern[str] | None = None) -> Counter[str]:
    """Character bigrams of the Chinese runs (a lone character stands for itself) and the Latin
    words of a text, after normalising width and case and removing places and boilerplate."""
    text = unicodedata.normalize("NFKC", text[:MAX_CHARS]).lower()
    if strip is not None:
        text = strip.sub(" ", text)
    text = text.translate(PARTICLES)
    found: Counter[str] = Counter()
    for run in _RUNS.findall(text):
        if run[0].isascii():
            found[run] += 1
            continue
        if len(run) == 1:
            found[run] += 1
        else:
            found.update(run[i : i + 2] for i in range(len(run) - 1))
    return found


Vector = dict[int, float]


def _vectors(bags: Sequence[Counter[str]]) -> list[Vector]:
    """TF-IDF vectors (sublinear tf, smoothed idf, unit length), features numbered from the most
    common (0) to the rarest."""
    df: Counter[str] = Counter()
    for bag in bags:
        df.update(bag.keys())
    ranked = sorted(df, key=lambda f: (-df[f], f))
    number = {f: i for i, f in enumerate(ranked)}
    n = len(bags)
    idf = {f: math.log((1 + n) / (1 + d)) + 1 for f, d in df.items()}
    vectors = []
    for bag in bags:
        weights = {number[f]: (1 + math.log(c)) * idf[f] for f, c in bag.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        vectors.append({f: w / norm for f, w in weights.items()})
    return vectors


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, a: int) -> int:
        parent = self.parent
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _cosine(a: Mapping[F, float], b: Mapping[F, float]) -> float:
    return sum(a[f] * b[f] for f in a.keys() & b.keys())


def _join_similar(vectors: Sequence[Vector], threshold: float, groups: _UnionFind) -> None:
    """Union every pair whose cosine reaches `threshold`.

    Each vector is compared with those before it. It is indexed only by its rarer features: its
    most common ones are left out while what they could add to a cosine with any later vector
    stays under the threshold (bounded by their weights times the largest weight each has later,
    and by their length). A pair that reaches the threshold therefore shares an indexed feature, so
    looking each vector up by its features finds every such pair, and the longest lists (of the
    most common features) are never built. Each candidate adds up what the index gave and then what
    the left-out features add, unless even their bound cannot lift it to the threshold.
    """
    # For each vector, the largest weight each of its features has in any vector after it.
    ahead: dict[int, float] = {}
    later_max: list[list[float]] = [[] for _ in vectors]
    for i in range(len(vectors) - 1, -1, -1):
        vector = vectors[i]
        later_max[i] = [ahead.get(f, 0.0) for f in sorted(vector)]
        for f, w in vector.items():
            if w > ahead.get(f, 0.0):
                ahead[f] = w
    index: defaultdict[int, list[tuple[int, float]]] = defaultdict(list)
    prefixes: list[Vector] = []
    prefix_bounds: list[float] = []
    empty: list[tuple[int, float]] = []
    for i, vector in enumerate(vectors):
        partial: dict[int, float] = {}
        get = partial.get
        for f, w in vector.items():
            for j, wj in index.get(f, empty):
                partial[j] = get(j, 0.0) + w * wj
        root = groups.find(i)
        for j, score in partial.items():
            if score + prefix_bounds[j] < threshold or groups.find(j) == root:
                continue
            prefix = prefixes[j]
            score += sum(prefix[f] * vector[f] for f in prefix.keys() & vector.keys())
            if score >= threshold - 1e-9:
                groups.union(i, j)
                root = groups.find(i)
        prefix = {}
        bound = 0.0
        squares = 0.0
        for f, future in zip(sorted(vector), later_max[i], strict=True):  # the most common first
            w = vector[f]
            if min(bound + w * future, math.sqrt(squares + w * w)) < threshold:
                bound += w * future
                squares += w * w
                prefix[f] = w
            else:
                index[f].append((i, w))
        prefixes.append(prefix)
        prefix_bounds.append(min(bound, math.sqrt(squares)))


@dataclass(frozen=True)
class Suggestion(Generic[K]):
    """A suggested group: its members (the most central first) and the mean similarity of each
    member to the others."""

    members: tuple[K, ...]
    cohesion: float


def suggest_groups(
    items: Sequence[tuple[K, str]],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    places: Iterable[str] = (),
) -> list[Suggestion[K]]:
    """Groups of two or more near-duplicate texts among `items` ((key, text) pairs), largest first.

    `threshold` is the cosine (0–1) at which two texts count as the same problem; `places` are
    area names to disregard.
    """
    if not 0 < threshold <= 1:
        raise ValueError("threshold must be in (0, 1]")
    strip = _pattern([*place_words(places), *BOILERPLATE])
    # Texts that are the same once normalised are compared once.
    distinct: dict[tuple[tuple[str, int], ...], int] = {}
    bags: list[Counter[str]] = []
    slot_of: list[int] = []
    for _, text in items:
        bag = features(text, strip)
        signature = tuple(sorted(bag.items()))
        slot = distinct.get(signature)
        if slot is None:
            slot = distinct[signature] = len(bags)
            bags.append(bag)
        slot_of.append(slot)
    vectors = _vectors(bags)
    groups = _UnionFind(len(vectors))
    _join_similar(vectors, threshold, groups)
    members: defaultdict[int, list[int]] = defaultdict(list)
    for position, slot in enumerate(slot_of):
        if vectors[slot]:  # a text with nothing left to compare groups with nothing
            members[groups.find(slot)].append(position)
    found = [_suggestion(items, positions, slot_of, vectors) for positions in members.values()]
    found = [s for s in found if len(s.members) > 1]
    return sorted(found, key=lambda s: (-len(s.members), -s.cohesion))


def _suggestion(
    items: Sequence[tuple[K, str]], positions: list[int], slot_of: list[int], vectors: list[Vector]
) -> Suggestion[K]:
    """The group's members, the most central first: a member's centrality is its mean cosine with
    the other members, which is its cosine with the sum of their vectors (one pass, not one per
    pair)."""
    count = len(positions)
    if count == 1:
        return Suggestion((items[positions[0]][0],), 1.0)
    total: defaultdict[int, float] = defaultdict(float)
    for p in positions:
        for f, w in vectors[slot_of[p]].items():
            total[f] += w
    centre = {
        slot: (_cosine(vectors[slot], total) - 1.0) / (count - 1) for slot in {slot_of[p] for p in positions}
    }
    ordered = sorted(positions, key=lambda p: (-centre[slot_of[p]], p))
    cohesion = sum(centre[slot_of[p]] for p in positions) / count
    return Suggestion(tuple(items[p][0] for p in ordered), round(cohesion, 3))


def similarity(a: str, b: str, *, places: Iterable[str] = ()) -> float:
    """The cosine of two texts' bigram vectors on their own, every feature weighing the same (no
    county to weigh them against): for showing how alike two problems read."""
    strip = _pattern([*place_words(places), *BOILERPLATE])
    vectors = [_unit(features(text, strip)) for text in (a, b)]
    return round(_cosine(vectors[0], vectors[1]), 3)


def _unit(bag: Counter[str]) -> dict[str, float]:
    weights = {f: 1 + math.log(c) for f, c in bag.items()}
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {f: w / norm for f, w in weights.items()}
