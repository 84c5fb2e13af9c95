"""Reference data (cities, industries) loaded from JSON: data, not code (R-REF-1, R-REF-2)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from models.reference import City, Industry


def _read(path: Path | None, bundled: str) -> list[dict[str, Any]]:
    if path is None:
        text = resources.files("models").joinpath("data", bundled).read_text(encoding="utf-8")
    else:
        text = path.read_text(encoding="utf-8")
    rows = json.loads(text)
    if not isinstance(rows, list):
        raise ValueError(f"{path or bundled}: expected a JSON list")
    return rows


async def load_reference_data(
    cities_file: Path | None = None, industries_file: Path | None = None
) -> tuple[int, int]:
    """Upsert cities and industries by code; return how many of each were created."""
    created_cities = created_industries = 0
    for row in _read(cities_file, "cities.json"):
        _, created = await City.update_or_create(
            code=str(row["code"]),
            defaults={
                "name_zh": row["name_zh"],
                "name_en": row["name_en"],
                "pinyin": row["pinyin"],
            },
        )
        created_cities += created
    for position, row in enumerate(_read(industries_file, "industries.json")):
        _, created = await Industry.update_or_create(
            code=str(row["code"]),
            defaults={"name_zh": row["name_zh"], "name_en": row["name_en"], "position": position},
        )
        created_industries += created
    return created_cities, created_industries
