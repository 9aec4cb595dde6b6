"""What the reader proposes: draft records, each field with the sentence it came from."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class MeetingDraft:
    kind: str
    series: str
    ordinal: int | None
    title: str
    start: str | None = None
    end: str | None = None
    tentative: bool = False
    city: str | None = None
    host_country: str | None = None
    format: str | None = None
    status: str | None = None
    chairs: list[str] = field(default_factory=list)
    chair_organisations: list[str] = field(default_factory=list)
    matched_id: str | None = None
    evidence: dict[str, str] = field(default_factory=dict)  # field name -> its sentence
    position: int = 0


@dataclass
class CommitmentDraft:
    text: str
    made_by: list[str]
    firmness: str
    status: str
    ahead_of: str | None
    ahead_of_title: str | None
    evidence: str


@dataclass
class Draft:
    source: str | None
    published: str | None
    meeting: MeetingDraft | None
    mentioned: list[MeetingDraft]
    countries: list[dict[str, str]]  # {"code": …, "evidence": sentence} of the reported meeting
    conventions: list[dict[str, str]]
    organisations: list[dict[str, str]]
    topics: list[dict[str, str]]
    commitments: list[CommitmentDraft]
    notes: list[str]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
