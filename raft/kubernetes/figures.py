"""Pictures of a Kubernetes run: the timeline (the API's availability, pods desired versus running per
Deployment, the controllers' leaders, the machines, and etcd's election lanes beneath) and the cluster diagram
at a moment (zones, control-plane nodes with their etcd member's role and their API server's state, workers with
their pods, cut links).

Artists carry a ``gid`` for tests: ``api`` (the API lane's spans, one per state), ``readyz:NODE``,
``desired:DEPLOYMENT``, ``running:DEPLOYMENT``, ``kubectl-ok`` / ``kubectl-failed``, ``not-ready``,
``lease:COMPONENT``, ``machine-down:NODE``; in the diagram ``zone:ZONE``, ``node:NAME``, ``pod:NAME``, ``cut``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch, Patch, Rectangle

from raft.analysis import replay
from raft.kubernetes.model import COMPONENTS
from raft.kubernetes.record import api_spans, lease_spans, pods_series, readyz_spans, state_at
from raft.plots.style import CRASH_COLOR, DOWN_COLOR, ROLE_COLORS
from raft.plots.timeline import draw_election_lanes
from raft.sim.events import EventType

if TYPE_CHECKING:
    from raft.kubernetes.run import KubeResult

OK_COLOR = "#4caf50"
FAIL_COLOR = "#d64541"
#: One colour per Deployment (cycles).
DEPLOYMENT_COLORS = ("#3b75af", "#e1812c", "#8e44ad", "#16a085", "#7f8c8d")
SHORT = {"kube-controller-manager": "controller-manager", "kube-scheduler": "scheduler"}


def _color(names: list[str], name: str) -> str:
    return DEPLOYMENT_COLORS[names.index(name) % len(DEPLOYMENT_COLORS)]


def outages(result: KubeResult) -> list[tuple[float, float, list[str]]]:
    """The periods the API failed its users, adjacent failures joined: (start, end, the reasons in order)."""
    out: list[tuple[float, float, list[str]]] = []
    for span in api_spans(result.record, result.duration_s):
        if span.ok:
            continue
        reason = span.reason or "?"
        if out and out[-1][1] == span.start_s:
            start, _, reasons = out[-1]
            out[-1] = (start, span.end_s, reasons + ([reason] if reason not in reasons else []))
        else:
            out.append((span.start_s, span.end_s, [reason]))
    return out


def story(result: KubeResult) -> str:
    """One line for the title: when the API was down and why, or that it never was."""
    found = outages(result)
    long = [o for o in found if o[1] - o[0] >= 2.0]
    if not found:
        return "the API answered throughout"
    if not long:
        return "the API answered throughout, but for blips under 2 s"
    parts = [f"{a:.0f}–{b:.0f} s ({', then '.join(reasons)})" for a, b, reasons in long[:2]]
    return "API down " + "; ".join(parts) + (" …" if len(long) > 2 else "")


def timeline(result: KubeResult) -> Figure:
    """The Kubernetes timeline of a run."""
    record, end = result.record, result.duration_s
    spec = result.scenario.kubernetes
    events = result.raft.recorded_events()
    deployments = [d.name for d in spec.deployments]
    machines = [m for m in spec.machines if m not in spec.etcd_servers] or []
    cps = list(spec.control_plane_nodes)
    members = list(spec.members)
    heights = [
        0.42 * (1 + len(cps)) + 0.5,
        2.0,
        0.42 * 2 + 0.3,
        0.34 * max(len(machines), 1) + 0.3,
        0.42 * len(members) + 0.9,
    ]
    fig = Figure(figsize=(11, sum(heights) + 1.4), layout="constrained")
    axes = fig.subplots(5, 1, sharex=True, gridspec_kw={"height_ratios": heights})
    api_ax, pods_ax, lease_ax, machine_ax, etcd_ax = axes

    # --- the API as users see it, and each API server's view of etcd
    rows = ["API (kubectl)"] + [f"{cp} API server" for cp in cps]
    y = {row: len(rows) - 1 - i for i, row in enumerate(rows)}
    for span in api_spans(record, end):
        color = OK_COLOR if span.ok else FAIL_COLOR
        api_ax.broken_barh(
            [(span.start_s, span.end_s - span.start_s)], (y[rows[0]] - 0.35, 0.7), color=color, gid="api"
        )
        if not span.ok and span.end_s - span.start_s > 0.12 * end:
            api_ax.text(
                (span.start_s + span.end_s) / 2,
                y[rows[0]],
                span.reason or "",
                ha="center",
                va="center",
                fontsize=8,
                color="white",
                fontweight="bold",
                clip_on=True,
            )
    for cp in cps:
        for span in readyz_spans(record, cp, end):
            color = OK_COLOR if span.ok else DOWN_COLOR if span.reason == "down" else FAIL_COLOR
            api_ax.broken_barh(
                [(span.start_s, span.end_s - span.start_s)],
                (y[f"{cp} API server"] - 0.3, 0.6),
                color=color,
                alpha=0.85,
                gid=f"readyz:{cp}",
            )
    api_ax.set_yticks(list(y.values()), list(y))
    api_ax.set_ylim(-0.6, len(rows) - 0.4)
    api_ax.legend(
        handles=[
            Patch(color=OK_COLOR, label="answers (etcd has quorum)"),
            Patch(color=FAIL_COLOR, label="fails (etcd: no quorum)"),
            Patch(color=DOWN_COLOR, label="machine down"),
        ],
        loc="lower left",
        bbox_to_anchor=(0, 1.0),
        ncol=3,
        fontsize=8,
        frameon=False,
    )

    # --- pods: desired versus running, kubectl commands, NotReady marks
    top = 1
    for name in deployments:
        series = pods_series(record, name)
        if not series:
            continue
        times = [t for t, _, _ in series] + [end]
        desired = [d for _, d, _ in series]
        running = [r for _, _, r in series]
        color = _color(deployments, name)
        pods_ax.stairs(
            desired,
            times,
            baseline=None,
            color=color,
            ls="--",
            lw=1.6,
            label=f"{name}: desired",
            gid=f"desired:{name}",
        )
        pods_ax.stairs(
            running,
            times,
            baseline=None,
            color=color,
            lw=2.6,
            label=f"{name}: running",
            gid=f"running:{name}",
        )
        top = max(top, *desired, *running)
    commands = 0
    evicted_at: set[float] = set()
    for r in record:
        if r["type"] == "kubectl":
            ok = r["ok"]
            height = top + 1.5 - 0.55 * (commands % 2)
            commands += 1
            pods_ax.plot(
                [r["sent_s"]],
                [height],
                marker="o" if ok else "X",
                ms=9,
                color=OK_COLOR if ok else FAIL_COLOR,
                ls="none",
                gid="kubectl-ok" if ok else "kubectl-failed",
                zorder=5,
            )
            words = r["command"].replace("kubectl ", "").replace("deployment ", "")
            pods_ax.annotate(
                f"{words}: {'ok' if ok else 'failed'}",
                (r["sent_s"], height),
                xytext=(6, 0),
                textcoords="offset points",
                fontsize=7.5,
                color=OK_COLOR if ok else FAIL_COLOR,
                va="center",
            )
        elif r["type"] == "node":
            label = "Ready" if r["ready"] else "NotReady"
            pods_ax.axvline(r["t_s"], color="#e67e22", lw=1, ls=":", gid="not-ready")
            pods_ax.text(
                r["t_s"],
                0.15,
                f" {r['node']} {label}",
                fontsize=7.5,
                color="#b35400",
                rotation=90,
                va="bottom",
            )
        elif r["type"] == "pod" and r["change"] == "evicted":
            pods_ax.plot(
                [r["t_s"]], [0.0], marker="v", color="#b35400", ms=6, ls="none", gid="evicted", clip_on=False
            )
            if r["t_s"] not in evicted_at:
                evicted_at.add(r["t_s"])
                pods_ax.annotate(
                    f"pods of {r['node']} evicted",
                    (r["t_s"], 0.0),
                    xytext=(-6, 2),
                    textcoords="offset points",
                    fontsize=7.5,
                    color="#b35400",
                    ha="right",
                )
    pods_ax.set_ylim(-0.2, top + 2.0)
    pods_ax.set_ylabel("pods")
    pods_ax.yaxis.get_major_locator().set_params(integer=True)
    pods_ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)

    # --- controllers: who holds the leader Lease (reconciles)
    for i, component in enumerate(COMPONENTS):
        row = len(COMPONENTS) - 1 - i
        lease_ax.broken_barh([(0, end)], (row - 0.3, 0.6), color="#f3d4d2")
        for start, stop, node in lease_spans(record, component, end):
            lease_ax.broken_barh(
                [(start, stop - start)], (row - 0.3, 0.6), color="#7e57c2", gid=f"lease:{component}"
            )
            if stop - start > 0.06 * end:
                lease_ax.text(
                    (start + stop) / 2,
                    row,
                    f"leader: {node}",
                    ha="center",
                    va="center",
                    fontsize=7.5,
                    color="white",
                )
    lease_ax.set_yticks([1, 0], [SHORT[c] for c in COMPONENTS])
    lease_ax.set_ylim(-0.6, 1.6)
    lease_ax.legend(
        handles=[
            Patch(color="#7e57c2", label="holds its Lease: reconciles"),
            Patch(color="#f3d4d2", label="no leader: nothing is reconciled"),
        ],
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        fontsize=8,
        frameon=False,
    )

    # --- machines that are not etcd members (workers; control-plane nodes with external etcd)
    my = {m: len(machines) - 1 - i for i, m in enumerate(machines)}
    for m in machines:
        machine_ax.broken_barh([(0, end)], (my[m] - 0.28, 0.56), color="#cfe8cf")
    down_since: dict[str, float] = {}
    not_ready_since: dict[str, float] = {}
    for r in [*record, {"t_s": end, "type": "end"}]:
        kind = r["type"]
        if kind == "machine" and r["node"] in my and r["change"] in ("crash", "stop"):
            down_since[r["node"]] = r["t_s"]
            if r["change"] == "crash":
                machine_ax.plot(
                    [r["t_s"]], [my[r["node"]]], marker="X", ms=8, color=CRASH_COLOR, ls="none", zorder=5
                )
        elif kind == "node" and not r["ready"]:
            not_ready_since[r["node"]] = r["t_s"]
        ends = []
        if kind == "machine" and r["change"] == "restart" and r["node"] in down_since:
            ends.append(r["node"])
        if kind == "end":
            ends = list(down_since)
        for m in ends:
            start = down_since.pop(m)
            machine_ax.broken_barh(
                [(start, r["t_s"] - start)], (my[m] - 0.28, 0.56), color=DOWN_COLOR, gid=f"machine-down:{m}"
            )
        if kind == "end" or (kind == "node" and r["ready"]):
            for m in list(not_ready_since) if kind == "end" else [r["node"]]:
                if m in not_ready_since:
                    start = not_ready_since.pop(m)
                    machine_ax.broken_barh([(start, r["t_s"] - start)], (my[m] - 0.08, 0.16), color="#e67e22")
    cut: tuple[float, str] | None = None
    for r in [*record, {"t_s": end, "type": "zones", "groups": [list(spec.zones)]}]:
        if r["type"] != "zones":
            continue
        if cut is not None:
            machine_ax.axvspan(cut[0], r["t_s"], color="#9e9e9e", alpha=0.18, zorder=0, gid="zone-cut")
            machine_ax.text(
                cut[0],
                max(len(machines), 1) - 0.45,
                f" zones cut: {cut[1]}",
                fontsize=7.5,
                color="#424242",
                va="bottom",
            )
        groups = r["groups"]
        cut = (r["t_s"], " | ".join(" ".join(g) for g in groups)) if len(groups) > 1 else None
    machine_ax.set_yticks(list(my.values()), list(my))
    machine_ax.set_ylim(-0.6, max(len(machines), 1) - 0.4)
    machine_ax.legend(
        handles=[
            Patch(color="#cfe8cf", label="up"),
            Patch(color=DOWN_COLOR, label="down"),
            Patch(color="#e67e22", label="marked NotReady"),
        ],
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        fontsize=8,
        frameon=False,
    )

    # --- etcd's Raft beneath
    draw_election_lanes(etcd_ax, events, 0.0, end * 1000.0)
    etcd_ax.set_ylabel("etcd member")
    etcd_ax.set_xlim(0, end)
    etcd_ax.set_xlabel("time (s)")
    for ax in axes:
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.tick_params(axis="y", length=0)
    spare = f" (+{spec.spare_control_plane} spare)" if spec.spare_control_plane else ""
    topology = (
        f"{spec.control_plane} control-plane nodes{spare}, {spec.etcd} etcd, zones {' '.join(spec.zones)}"
    )
    fig.suptitle(
        f"{result.scenario.name} (seed {result.raft.seed}): {story(result)}\n{topology}", fontsize=11
    )
    return fig


def voters_at(result: KubeResult, at_s: float) -> tuple[str, ...]:
    """etcd's voters at ``at_s``: those of the latest configuration entry committed by then (the trace's
    ``config`` events), else the members the scenario starts with."""
    voters, index = tuple(result.scenario.kubernetes.members), -1
    for event in result.raft.recorded_events():
        if event["t_ms"] > at_s * 1000.0:
            break
        if event["type"] != EventType.CONFIG:
            continue
        if event["phase"] == "committed" and event["index"] > index:
            voters, index = tuple(event["voters"]), event["index"]
    return voters


def diagram(result: KubeResult, at_s: float) -> Figure:
    """The cluster at ``at_s``: one column per zone with its machines; control-plane nodes show their API
    server's answer and their etcd member's role, workers their pods; cut links between zones in red."""
    spec = result.scenario.kubernetes
    state = state_at(result.record, at_s, spec.zones)
    members = voters_at(result, at_s)
    roles = replay.role_at(result.raft.recorded_events(), at_s * 1000.0)
    deployments = [d.name for d in spec.deployments]
    zones = list(spec.zones)
    columns = {z: [m for m in spec.machines if spec.zone_of(m) == z] for z in zones}
    rows = max(len(c) for c in columns.values())
    fig = Figure(figsize=(3.6 * len(zones) + 0.6, 1.25 * rows + 1.9), layout="constrained")
    ax = fig.subplots()
    ax.set_xlim(0, len(zones))
    ax.set_ylim(-rows - 0.2, 0.5)
    ax.axis("off")
    for zi, zone in enumerate(zones):
        ax.add_patch(
            FancyBboxPatch(
                (zi + 0.04, -rows - 0.1),
                0.92,
                rows + 0.4,
                boxstyle="round,pad=0.01",
                fc="#f4f6f8",
                ec="#b0bec5",
                gid=f"zone:{zone}",
            )
        )
        ax.text(zi + 0.5, 0.17, f"zone {zone}", ha="center", fontsize=11, fontweight="bold", color="#455a64")
        for ri, machine in enumerate(columns[zone]):
            _draw_machine(ax, zi + 0.08, -ri - 0.9, machine, state, roles, members, deployments)
    for i, group in enumerate(state.zone_groups):
        for other in state.zone_groups[i + 1 :]:
            for a in group:
                for b in other:
                    xa, xb = sorted((zones.index(a), zones.index(b)))
                    if xb == xa + 1:
                        x = xb
                        ax.plot(
                            [x, x], [-rows - 0.15, 0.3], color=FAIL_COLOR, lw=3, ls=(0, (4, 3)), gid="cut"
                        )
                        ax.text(
                            x,
                            0.36,
                            "network cut",
                            color=FAIL_COLOR,
                            ha="center",
                            fontsize=9,
                            fontweight="bold",
                        )
    members_up = [m for m in members if m not in state.down]
    quorum = len(members) // 2 + 1
    has = "quorum" if len(members_up) >= quorum else "NO quorum"
    api = (
        "API: unknown"
        if state.api_ok is None
        else "API answers"
        if state.api_ok
        else f"API fails: {state.api_reason}"
    )
    pods = ", ".join(
        f"{d}: {state.desired.get(d, 0)} desired, {sum(1 for node, ps in state.pods.items() if node not in state.down for _, dep in ps if dep == d)} running"
        for d in deployments
    )
    fig.suptitle(
        f"{result.scenario.name} at {at_s:g} s — etcd {len(members_up)} of {len(spec.members)} members up ({has}, needs {quorum})"
        f"\n{api}    {pods}",
        fontsize=11,
    )
    ax.legend(
        handles=[
            Patch(color=ROLE_COLORS["leader"], label="etcd leader"),
            Patch(color=ROLE_COLORS["follower"], label="etcd follower"),
            Patch(color=ROLE_COLORS["candidate"], label="etcd candidate"),
            Patch(color=DOWN_COLOR, label="down"),
            Line2D([], [], color=OK_COLOR, lw=3, label="API server answers"),
            Line2D([], [], color=FAIL_COLOR, lw=3, label="API server fails"),
            *[Patch(color=_color(deployments, d), label=f"pod of {d}") for d in deployments],
        ],
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncol=4 + len(deployments),
        fontsize=8,
        frameon=False,
    )
    return fig


def _draw_machine(
    ax: Any,
    x: float,
    y: float,
    machine: str,
    state: Any,
    roles: dict[str, Any],
    members: tuple[str, ...],
    deployments: list[str],
) -> None:
    down = machine in state.down
    width, height = 0.84, 0.8
    is_cp = machine.startswith("cp-")
    edge = DOWN_COLOR if down else "#546e7a"
    lines = []
    if is_cp and not down:
        reason = state.readyz.get(machine)
        edge = OK_COLOR if reason is None else FAIL_COLOR
        lines.append("API server: " + ("answers" if reason is None else reason))
    elif is_cp:
        lines.append("API server: down")
    if machine in members:
        role = roles.get(machine)
        lines.append("etcd member: " + ("down" if role is None or down else f"{role[0]} (term {role[1]})"))
    face = "#eeeeee" if down else "white"
    if machine in members and not down:
        role = roles.get(machine)
        face = ROLE_COLORS.get(role[0], "white") if role else "white"
    ax.add_patch(
        FancyBboxPatch(
            (x, y),
            width,
            height,
            boxstyle="round,pad=0.01",
            fc=face,
            ec=edge,
            lw=2.5,
            alpha=0.9,
            gid=f"node:{machine}",
        )
    )
    kind = "control plane" if is_cp else "etcd host" if machine.startswith("etcd-") else "worker"
    ax.text(
        x + 0.03,
        y + height - 0.1,
        f"{machine}  ({kind})",
        fontsize=9,
        fontweight="bold",
        va="top",
        color="#555555" if down else "#111111",
    )
    for i, line in enumerate(lines):
        ax.text(x + 0.03, y + height - 0.3 - 0.19 * i, line, fontsize=8, va="top", color="#333333")
    if machine.startswith("worker-"):
        pods = state.pods.get(machine, [])
        for i, (name, deployment) in enumerate(pods[:8]):
            px = x + 0.03 + (i % 4) * 0.2
            py = y + 0.08 + (0.26 if i < 4 and len(pods) > 4 else 0.0)  # one row sits low, clear of the notes
            ax.add_patch(
                Rectangle(
                    (px, py),
                    0.18,
                    0.2,
                    fc=_color(deployments, deployment),
                    alpha=0.35 if down else 1.0,
                    ec="white",
                    gid=f"pod:{name}",
                )
            )
            ax.text(px + 0.09, py + 0.1, name, fontsize=6.5, ha="center", va="center", color="white")
        if machine in state.not_ready:
            ax.text(
                x + width - 0.03,
                y + height - 0.1,
                "NotReady",
                fontsize=8,
                ha="right",
                va="top",
                color="#b35400",
                fontweight="bold",
            )
        elif down:
            ax.text(
                x + 0.03,
                y + height - 0.3,
                "pods stopped; still Ready in the API",
                fontsize=7.5,
                va="top",
                color="#b35400",
            )
    if down:
        ax.plot([x, x + width], [y, y + height], color=CRASH_COLOR, lw=1.5, alpha=0.7)
        ax.plot([x, x + width], [y + height, y], color=CRASH_COLOR, lw=1.5, alpha=0.7)
        ax.text(
            x + width - 0.03,
            y + 0.05,
            "DOWN",
            fontsize=9,
            ha="right",
            va="bottom",
            color=CRASH_COLOR,
            fontweight="bold",
        )
