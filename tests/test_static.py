"""Static files are collected with hashed names and pre-compressed copies for WhiteNoise."""

from django.core.management import call_command
from django.test import override_settings


def test_collectstatic_writes_hashed_and_compressed_files(tmp_path, settings):
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
    css = [p.name for p in (tmp_path / "css").iterdir()]
    hashed = [name for name in css if name.startswith("huntaze.") and name.endswith(".css")]
    assert len(hashed) == 2, css  # the source name and the hashed one
    hashed_name = next(name for name in hashed if name != "huntaze.css")
    assert f"{hashed_name}.gz" in css
    assert f"{hashed_name}.br" in css
    assert (tmp_path / "staticfiles.json").exists()
