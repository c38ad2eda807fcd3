"""Fixtures shared by the whole suite live in tests/fixtures/, one module per concern."""

from pathlib import Path

pytest_plugins = [
    f"fixtures.{module.stem}"
    for module in sorted((Path(__file__).parent / "fixtures").glob("*.py"))
    if module.stem != "__init__"
]
