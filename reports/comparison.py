"""The regional comparison: what the selected volume of work would cost in each region.

The seed guide publishes hourly rate bands per region (Vietnam $9–25, India $25–60, Eastern Europe
$50–90, US/UK $75–135); a rate alone misleads, because a cheaper hour may deliver fewer items or more
rework. So each region is priced at its *observed* throughput (items per hour), quality (share
accepted on review) and average hourly rate — and only a region with no observed work falls back to
the published band's midpoint, at the selection's own throughput and quality. Every row says which.

For a region r with observed work, delivering the selection's N items at its acceptance q_sel takes
    hours_r = N × (q_sel / q_r) ÷ items_per_hour_r,   cost_r = hours_r × average_rate_r
(q_sel / q_r is the extra volume r must produce to end with as many accepted items).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from governance.models import Vendor
from governance.regions import Region, regions
from reports.cost import CENT, SECONDS_PER_HOUR, TENTH, Cell, RegionEstimate, Tally, fold, region_code
from reports.filters import ReportFilter

OBSERVED = "observed"
BAND = "published band midpoint"


def _share(numerator: int, denominator: int) -> Decimal | None:
    return Decimal(numerator) / Decimal(denominator) if denominator else None


def _q(value: Decimal | None, unit: Decimal) -> Decimal | None:
    return None if value is None else value.quantize(unit)


def regional_comparison(flt: ReportFilter, selection: Tally, scope_cells: Iterable[Cell],
                        vendors: dict[int, Vendor]) -> tuple[list[RegionEstimate], str]:
    """One estimate per configured region, and the sentence that explains the basis."""
    if selection.items == 0 or selection.seconds == 0:
        return [], "No completed work with recorded time in the selection, so there is nothing to compare."
    cells = list(scope_cells)
    observed = fold(cells, lambda c: region_code(vendors[c.vendor_id].country)[0])
    vendor_counts: dict[str, set[int]] = {}
    for cell in cells:
        vendor_counts.setdefault(region_code(vendors[cell.vendor_id].country)[0], set()).add(cell.vendor_id)
    estimates = []
    for code, region in regions().items():
        tally = observed.get(code)
        if tally is not None and tally.seconds > 0 and tally.items > 0:
            estimates.append(_observed(region, tally, selection, len(vendor_counts.get(code, ()))))
        else:
            estimates.append(_band(region, selection))
    return estimates, _note(selection)


def _observed(region: Region, tally: Tally, selection: Tally, vendor_count: int) -> RegionEstimate:
    hours_r = Decimal(tally.seconds) / SECONDS_PER_HOUR
    per_hour = Decimal(tally.items) / hours_r
    rate = tally.cost / hours_r
    q_sel, q_r = _share(selection.accepted, selection.reviewed), _share(tally.accepted, tally.reviewed)
    hours = cost = None
    if q_r != 0:  # a region whose every reviewed item was rejected never delivers the volume
        adjust = q_sel / q_r if q_sel is not None and q_r is not None else Decimal(1)
        hours = Decimal(selection.items) * adjust / per_hour
        cost = hours * rate
    return RegionEstimate(region.code, region.label, OBSERVED, vendor_count, per_hour.quantize(TENTH),
                          _q(q_r * 100 if q_r is not None else None, TENTH), rate.quantize(CENT),
                          _q(hours, CENT), _q(cost, CENT), _q(None if cost is None else cost - selection.cost, CENT))


def _band(region: Region, selection: Tally) -> RegionEstimate:
    low, high = region.rate_band_usd
    rate = (low + high) / 2
    hours = Decimal(selection.seconds) / SECONDS_PER_HOUR
    cost = hours * rate
    q_sel = _share(selection.accepted, selection.reviewed)
    return RegionEstimate(region.code, region.label, BAND, 0, (Decimal(selection.items) / hours).quantize(TENTH),
                          _q(q_sel * 100 if q_sel is not None else None, TENTH), rate.quantize(CENT),
                          hours.quantize(CENT), cost.quantize(CENT), (cost - selection.cost).quantize(CENT))


def _note(selection: Tally) -> str:
    quality = (f"{(Decimal(100 * selection.accepted) / selection.reviewed).quantize(TENTH)}% accepted on review"
               if selection.reviewed else "no reviews yet, so quality is not adjusted")
    return (f"The selection's volume ({selection.items} items, {quality}) priced in each region. "
            f"Rows marked '{OBSERVED}' use the items per hour, share accepted and average hourly rate of "
            "the vendors you can see in that region over the same period. Rows marked "
            f"'{BAND}' have no observed work, so they use the selection's own throughput and quality "
            "at the midpoint of the region's published hourly rate band (seed guide, regional rate table). "
            "The difference is against the selection's actual cost.")
