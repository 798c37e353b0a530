"""Mapping profiles saved in the web app: every version kept with its checksum.

Guarantees: ``mapping_profile_save`` stores a profile only when its text is a valid profile
(``ingest.profiles.profile_parse``), as a new numbered version of the profile of that name,
unless the text is the same as the newest version's; a saved version is never changed.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction

from timbalans.ingest.problems import Problem
from timbalans.ingest.profiles import Profile, profile_parse
from timbalans.records.models import MappingProfile, MappingProfileVersion
from timbalans.records.services import user_label


class ProfileInvalid(Exception):
    """The text is not a valid profile; ``problems`` says why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem i profilen")
        self.problems = problems


def profile_source(*, name: str, number: int) -> str:
    """How a saved version is named in messages and import batches."""
    return f"profilen {name} version {number}"


def mapping_profile_save(*, text: str, user: Any = None) -> tuple[MappingProfileVersion, bool]:
    """(the version, whether it is new). Raises ``ProfileInvalid``."""
    profile, problems = profile_parse(text, source="profilen")
    if profile is None:
        raise ProfileInvalid(problems)
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    with transaction.atomic():
        saved, _ = MappingProfile.objects.select_for_update().get_or_create(name=profile.name)
        newest = saved.versions.order_by("-number").first()
        if newest is not None and newest.sha256 == sha:
            return newest, False
        version = MappingProfileVersion.objects.create(
            profile=saved,
            number=(newest.number + 1) if newest else 1,
            text=text,
            sha256=sha,
            created_by_name=user_label(user),
        )
    return version, True


def mapping_profile_list() -> list[MappingProfileVersion]:
    """The newest version of every saved profile, by name."""
    out = []
    for saved in MappingProfile.objects.prefetch_related("versions").order_by("name"):
        newest = max(saved.versions.all(), key=lambda v: v.number, default=None)
        if newest is not None:
            out.append(newest)
    return out


def mapping_profile_versions() -> list[MappingProfileVersion]:
    """Every saved version, by profile name and newest first."""
    return list(
        MappingProfileVersion.objects.select_related("profile").order_by("profile__name", "-number")
    )


def profile_of_version(version: MappingProfileVersion) -> Profile:
    """The parsed profile of a saved version (saved versions are valid)."""
    profile, problems = profile_parse(
        version.text,
        source=profile_source(name=version.profile.name, number=version.number),
        version=version.number,
    )
    if profile is None:
        raise ProfileInvalid(problems)
    return profile
