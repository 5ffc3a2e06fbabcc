"""The control-plane experiment as a text table and a CSV file."""

from __future__ import annotations

import os
from dataclasses import asdict

from raft.experiments.control_plane.analysis import ControlPlaneResult
from raft.files import atomic_write


def render(result: ControlPlaneResult) -> str:
    out = [
        f"API availability, every machine up {100 * result.node_availability:g} % of the time "
        f"({result.trials} trials per case; external etcd: {result.etcd_members} etcd hosts):",
        "  nodes  etcd       simulated  95 % interval     binomial  within  trials as counted",
    ]
    out += [
        (
            f"  {line.n:5d}  {line.etcd:<9}  {100 * line.simulated:8.1f} %  [{100 * line.low:5.1f}, {100 * line.high:5.1f}] %"
            f"  {100 * line.computed:7.2f} %  {'yes' if line.within else 'NO ':<6}  {line.agreeing}/{line.trials}"
        )
        for line in sorted(result.availability, key=lambda x: (x.etcd, x.n))
    ]
    inside = sum(1 for line in result.availability if line.within)
    out.append(
        f"  {inside} of {len(result.availability)} binomial values lie in their 95 % interval (about 1 in 20 may not: "
        "sampling); the last column counts the trials whose outcome is the one the arithmetic gives for the "
        "machines drawn down."
    )
    out.append("")
    out.append("Zones one can lose with the API still writing (simulated / counted):")
    out.append("  nodes  etcd       1 zone        2 zones       3 zones")
    by_case: dict[tuple[int, str], dict[int, str]] = {}
    for z in result.zones:
        by_case.setdefault((z.n, z.etcd), {})[z.zones] = f"{z.layout}: {z.survived}/{z.zones}" + (
            "" if z.survived == z.computed else "!"
        )
    for (n, etcd), cells in sorted(by_case.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        out.append(f"  {n:5d}  {etcd:<9}  " + "  ".join(f"{cells.get(k, '-'):<12}" for k in (1, 2, 3)))
    return "\n".join(out) + "\n"


def write_csv(result: ControlPlaneResult, path: str | os.PathLike[str]) -> None:
    """The availability lines, one row per (nodes, etcd), written atomically."""
    import csv

    with atomic_write(path) as file:
        rows = [{**asdict(line), "within": line.within} for line in result.availability]
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
