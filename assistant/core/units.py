"""The one pint unit registry, shared by the records (`Quantity.to_pint`) and the number reader."""

from __future__ import annotations

import functools

import pint


@functools.cache
def unit_registry() -> pint.UnitRegistry:
    """The one pint registry, built once (about 0.4 s); knows frames per second as a rate and microns of mercury."""
    registry = pint.UnitRegistry()
    registry.define("frames_per_second = 1 / second")
    # A micron of mercury, as vacuum gauges in the US read: one thousandth of a millimetre of mercury.
    registry.define("micron_Hg = 1e-3 * millimeter_Hg")
    return registry
