"""Deliberately broken copies of the shipped catalog, for the catalog-check tests."""
import pytest

from sites import InputError, load_catalog


def problems_of(folder) -> list[str]:
    """The problems the catalog check reports for folder, as the user reads them."""
    with pytest.raises(InputError) as info:
        load_catalog(folder)
    return [str(p) for p in info.value.problems]
