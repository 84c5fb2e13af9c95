"""The committed migrations describe the models exactly: a model change without its migration
would pass the tests on a database built from the models and fail on a migrated one."""

from __future__ import annotations

from tortoise import Tortoise
from tortoise.migrations.autodetector import MigrationAutodetector

from api.db import tortoise_config
from api.settings import Settings


async def test_no_model_change_is_missing_a_migration(settings: Settings) -> None:
    # given the models as loaded and the migrations on disk
    apps = Tortoise.apps
    assert apps is not None
    # when the autodetector compares them
    changes = await MigrationAutodetector(apps, tortoise_config(settings)["apps"]).changes()
    # then there is nothing left to migrate
    pending = [(w.name, [type(op).__name__ for op in w.operations]) for w in changes]
    assert pending == [], f"run `tortoise makemigrations`: {pending}"
