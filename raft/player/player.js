// raft-sim player, the page: draws the model (model.js) at time t and runs the controls, in replay mode (a
// run's trace embedded in the page) or live mode (a simulation streamed over a WebSocket). Plain JavaScript, no
// dependencies. window.raftPlayer exposes the model and the view (the browser tests read it).
"use strict";
(function () {
  const { DROP_SHOW_MS, upperBound, lowerBound, decode, describe, configWords, initialState, Model, applyEvent, groupsOf, membership } = RaftTrace;
  const SVG = "http://www.w3.org/2000/svg";
  const RING_MAX = 15; // full details on a ring up to this many servers; beyond it the ring is scaled down
  const ACK_SHOW_MS = 150; // an acknowledged write stays listed this long
  const EVENT_STEP_REAL_MS = 700; // slowest speed: one event per this many real ms
  // simulated ms per real ms; 0 is the message-by-message mode
  const SPEEDS = [0, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5];
  const DEFAULT_SPEED = 0.02;
  const MSG_COLORS = {
    RequestVote: "var(--rv)", RequestVoteResponse: "var(--rv)", PreVote: "var(--pv)",
    PreVoteResponse: "var(--pv)", AppendEntries: "var(--ae)", AppendEntriesResponse: "var(--ae)",
    TimeoutNow: "var(--tn)", InstallSnapshot: "var(--snap)", InstallSnapshotResponse: "var(--snap)",
  };
  const MSG_SHORT = {
    RequestVote: "RV", RequestVoteResponse: "rv", PreVote: "PV", PreVoteResponse: "pv",
    AppendEntries: "AE", AppendEntriesResponse: "ae", TimeoutNow: "TimeoutNow",
    InstallSnapshot: "Snap", InstallSnapshotResponse: "snap",
  };
  const DROP_AT = { partition: 0.5, cut: 0.5, loss: 0.8, down: 1.0 };
  const GROUP_COLORS = ["#2f6fd6", "#e0a800", "#8a4fd0", "#1e9e5a", "#c2278f", "#555"];

  // ------------------------------------------------------------------------------------------ helpers
  function fmt(ms) {
    if (!isFinite(ms)) return "-";
    return (Math.round(ms * 10) / 10).toFixed(1) + " ms";
  }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }
  function el(tag, attrs, parent) {
    const node = document.createElementNS(SVG, tag);
    for (const k in attrs) node.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(node);
    return node;
  }
  // Set an attribute (or the text) only when it changes: an unchanged write still costs a style recalculation.
  function attr(node, name, value) {
    const cache = node.__attrs || (node.__attrs = {});
    const text = String(value);
    if (cache[name] !== text) { cache[name] = text; node.setAttribute(name, text); }
  }
  function text(node, value) {
    if (node.__text !== value) { node.__text = value; node.textContent = value; }
  }

  // ------------------------------------------------------------------------------------------ the view
  class View {
    constructor(model, live) {
      this.model = model;
      this.live = live;
      this.t = 0;
      this.playing = false;
      this.speed = DEFAULT_SPEED;
      this.selected = null;
      this.lastFrame = null;
      this.stepTimer = 0;
      this.shownN = -1;
      this.svg = document.getElementById("cluster");
      this.layout();
      this.buildStatic();
      this.buildControls();
      this.render();
    }

    // ---- layout
    layout() {
      const names = this.model.names;
      const count = names.length;
      const cx = 400, cy = 400;
      this.small = count <= RING_MAX;
      const R = this.small ? 270 : 340;
      this.nodeR = this.small ? Math.min(46, 520 / count + 8) : Math.max(6, Math.min(20, (2 * Math.PI * R) / count / 2.4));
      this.pos = names.map((_, i) => {
        const a = -Math.PI / 2 + (2 * Math.PI * i) / count;
        return [cx + R * Math.cos(a), cy + R * Math.sin(a)];
      });
    }

    buildStatic() {
      const svg = this.svg;
      svg.textContent = "";
      this.gLinks = el("g", { id: "links" }, svg);
      this.gCuts = el("g", { id: "cuts" }, svg);
      this.gWrites = el("g", { id: "writeflows" }, svg);
      this.gNodes = el("g", { id: "nodes" }, svg);
      this.gMsgs = el("g", { id: "messages" }, svg);
      this.gDrops = el("g", { id: "drops" }, svg);
      const names = this.model.names;
      if (this.small) {
        for (let a = 0; a < names.length; a++) for (let b = a + 1; b < names.length; b++) {
          const [x1, y1] = this.pos[a], [x2, y2] = this.pos[b];
          el("line", { class: "link", x1, y1, x2, y2 }, this.gLinks);
          if (this.live) {
            for (const [s, d, xs, ys, xd, yd] of [[a, b, x1, y1, x2, y2], [b, a, x2, y2, x1, y1]]) {
              // each half of a link is a button cutting the direction away from its own end
              const mx = (xs + xd) / 2, my = (ys + yd) / 2;
              const hit = el("line", { class: "linkhit", x1: xs, y1: ys, x2: mx, y2: my, "data-from": names[s], "data-to": names[d] }, this.gLinks);
              const title = el("title", {}, hit);
              title.textContent = `cut ${names[s]} → ${names[d]} (messages from ${names[s]} to ${names[d]} are lost)`;
              hit.addEventListener("click", () => this.send({ type: "event", event: { cut: [names[s], names[d]] } }));
            }
          }
        }
      }
      this.nodeEls = names.map((name, i) => {
        const [x, y] = this.pos[i];
        const g = el("g", { class: "node follower", "data-node": name, transform: `translate(${x},${y})` }, this.gNodes);
        const r = this.nodeR;
        const group = el("circle", { class: "group", r: r + 9, stroke: "transparent" }, g);
        const ring = el("circle", { class: "ring", r: r + 4, stroke: "none" }, g);
        const timer = el("path", { class: "timer", d: "", "stroke-width": this.small ? 3 : 1.5 }, g);
        const body = el("circle", { class: "body", r: r }, g);
        const label = el("text", { class: "name", y: this.small ? -r * 0.12 : 4, "font-size": this.small ? Math.max(12, r * 0.42) : Math.max(8, r * 0.9) }, g);
        label.textContent = this.small ? name : "";
        const sub1 = el("text", { class: "name", y: r * 0.38, "font-size": Math.max(10, r * 0.3) }, g);
        let below;
        if (this.small) below = el("text", { class: "sub", y: r + 22, "font-size": 13, "text-anchor": "middle" }, g);
        else { // outside the ring, away from the neighbours
          const a = Math.atan2(y - 400, x - 400), c = Math.cos(a);
          below = el("text", {
            class: "sub", x: (r + 8) * c, y: (r + 12) * Math.sin(a) + 4, "font-size": 13,
            "text-anchor": c > 0.3 ? "start" : c < -0.3 ? "end" : "middle",
          }, g);
        }
        const title = el("title", {}, g);
        g.addEventListener("click", (ev) => { ev.stopPropagation(); this.select(name); });
        return { g, group, ring, timer, body, label, sub1, below, title };
      });
      this.svg.addEventListener("click", () => this.select(null));
      const legend = document.getElementById("legend");
      legend.innerHTML =
        '<span><i style="background:var(--follower)"></i>follower</span><span><i style="background:var(--candidate)"></i>candidate</span>' +
        '<span><i style="background:var(--leader)"></i>leader</span><span><i style="background:#c9ccd1;border:1px dashed #333"></i>down</span>' +
        '<span><i style="background:var(--rv)"></i>RequestVote</span><span><i style="background:var(--pv)"></i>PreVote</span>' +
        '<span><i style="background:var(--ae)"></i>AppendEntries</span><span><i style="background:var(--tn)"></i>TimeoutNow</span>' +
        '<span><i style="background:var(--snap)"></i>InstallSnapshot</span>' +
        (this.model.meta.spares && this.model.meta.spares.length || this.model.marks.config.length
          ? '<span><i class="learner-key"></i>learner</span><span><i class="removed-key"></i>removed</span><span><i class="spare-key"></i>not yet a member</span>' : "") +
        '<span class="notes">hollow: a refusal · ✕: a drop, where and why · red dashes: a cut link (an arrow: cut one way only) · arc: election time left (grey: the timer was reset before it fired, drawn against the longest timeout)</span>';
    }

    buildControls() {
      const speed = document.getElementById("speed");
      speed.textContent = "";
      for (const s of SPEEDS) {
        const o = document.createElement("option");
        o.value = String(s);
        o.textContent = s === 0 ? "event by event" : s >= 1 ? `${s}× real time` : `1/${Math.round(1 / s)} real time`;
        if (s === this.speed) o.selected = true;
        speed.appendChild(o);
      }
      speed.onchange = () => this.setSpeed(Number(speed.value));
      document.getElementById("play").onclick = () => this.togglePlay();
      document.getElementById("prev-event").onclick = () => this.stepEvent(-1);
      document.getElementById("next-event").onclick = () => this.stepEvent(1);
      document.getElementById("jump-election").onclick = (ev) => this.jump("election", ev.shiftKey ? -1 : 1);
      document.getElementById("jump-fault").onclick = (ev) => this.jump("fault", ev.shiftKey ? -1 : 1);
      document.getElementById("jump-config").onclick = (ev) => this.jump("config", ev.shiftKey ? -1 : 1);
      document.getElementById("jump-violation").onclick = () => this.jump("violation", 1);
      document.getElementById("large").onclick = () => this.toggleLarge();
      document.getElementById("help-button").onclick = () => { const h = document.getElementById("help"); h.hidden = !h.hidden; };
      const slider = document.getElementById("slider");
      slider.oninput = () => { this.hold(); this.seek((Number(slider.value) / 1000) * this.model.duration); };
      document.addEventListener("keydown", (ev) => this.key(ev));
      window.addEventListener("resize", () => { this.logWidth = 0; this.shownN = -1; this.render(); });
      this.drawMarks();
    }

    drawMarks() {
      const marks = document.getElementById("marks");
      marks.textContent = "";
      const d = this.model.duration || 1;
      for (const kind of ["election", "fault", "config", "violation"]) {
        for (const t of this.model.marks[kind]) {
          const i = document.createElement("i");
          i.className = kind;
          i.style.left = `${(100 * t) / d}%`;
          i.title = `${kind === "config" ? "configuration change" : kind} at ${fmt(t)}`;
          i.onclick = () => { this.hold(); this.seek(t); };
          marks.appendChild(i);
        }
      }
      document.getElementById("jump-violation").disabled = !this.model.marks.violation.length;
      document.getElementById("jump-config").hidden = !this.model.marks.config.length;
    }

    key(ev) {
      if (ev.target && (ev.target.tagName === "INPUT" && ev.target.type !== "range" || ev.target.tagName === "SELECT")) return;
      const k = ev.key;
      let done = true;
      if (k === " ") this.togglePlay();
      else if (k === "ArrowRight") ev.shiftKey ? (this.hold(), this.seek(this.t + 10)) : this.stepEvent(1);
      else if (k === "ArrowLeft") ev.shiftKey ? (this.hold(), this.seek(this.t - 10)) : this.stepEvent(-1);
      else if (k === "[" || k === "-") this.changeSpeed(-1);
      else if (k === "]" || k === "+" || k === "=") this.changeSpeed(1);
      else if (k === "e" || k === "E") this.jump("election", ev.shiftKey ? -1 : 1);
      else if (k === "f" || k === "F") this.jump("fault", ev.shiftKey ? -1 : 1);
      else if (k === "m" || k === "M") this.jump("config", ev.shiftKey ? -1 : 1);
      else if (k === "v" || k === "V") this.jump("violation", 1);
      else if (k === "Home") { this.hold(); this.seek(0); }
      else if (k === "End") { this.hold(); this.seek(this.model.duration); }
      else if (k === "l" || k === "L") this.toggleLarge();
      else if (k === "?") { const h = document.getElementById("help"); h.hidden = !h.hidden; }
      else if (k === "Escape") { document.getElementById("help").hidden = true; this.select(null); }
      else if (this.live && this.selected && (k === "c" || k === "r" || k === "t")) {
        this.send({ type: "event", event: { [{ c: "crash", r: "restart", t: "timeout" }[k]]: this.selected } });
      } else if (this.live && k === "w") this.submitWrite();
      else done = false;
      if (done) ev.preventDefault();
    }

    toggleLarge() {
      document.body.classList.toggle("large");
      this.shownN = -1;
      this.render();
    }

    // ---- time
    setSpeed(s) {
      this.speed = s;
      document.getElementById("speed").value = String(s);
      if (this.live && s > 0) this.send({ type: "speed", value: s });
    }
    changeSpeed(dir) {
      const i = SPEEDS.indexOf(this.speed);
      const j = Math.max(this.live ? 1 : 0, Math.min(SPEEDS.length - 1, (i < 0 ? SPEEDS.indexOf(DEFAULT_SPEED) : i) + dir));
      this.setSpeed(SPEEDS[j]);
    }
    togglePlay() { this.playing ? this.pause() : this.play(); }
    hold() { this.pause(); } // the user moved time by hand: stop playing (live mode: stop following the simulation)
    play() {
      if (this.t >= this.model.duration) this.t = 0;
      this.playing = true;
      this.lastFrame = null;
      this.stepTimer = 0;
      document.getElementById("play").innerHTML = "&#10074;&#10074;";
      requestAnimationFrame((now) => this.frame(now));
    }
    pause() {
      this.playing = false;
      document.getElementById("play").innerHTML = "&#9654;";
    }
    frame(now) {
      if (!this.playing) return;
      if (this.lastFrame !== null) {
        const dt = Math.min(now - this.lastFrame, 250);
        if (this.speed === 0) {
          this.stepTimer += dt;
          if (this.stepTimer >= EVENT_STEP_REAL_MS) { this.stepTimer = 0; this.t = this.nextEventTime(this.t, 1); }
        } else this.t += dt * this.speed;
      }
      this.lastFrame = now;
      if (this.t >= this.model.duration) { this.t = this.model.duration; this.render(); this.pause(); return; }
      this.render();
      requestAnimationFrame((n) => this.frame(n));
    }
    seek(t) {
      this.t = Math.max(0, Math.min(this.model.duration, t));
      this.render();
    }
    nextEventTime(t, dir) {
      const times = this.model.times;
      if (dir > 0) { const i = upperBound(times, t); return i < times.length ? times[i] : this.model.duration; }
      const i = lowerBound(times, t, (x) => x) - 1;
      return i >= 0 ? times[i] : 0;
    }
    stepEvent(dir) { this.hold(); this.seek(this.nextEventTime(this.t, dir)); }
    jump(kind, dir) {
      const marks = this.model.marks[kind];
      if (!marks.length) return;
      let t;
      if (dir > 0) { const i = upperBound(marks, this.t + 1e-9); t = i < marks.length ? marks[i] : (kind === "violation" ? marks[0] : null); }
      else { const i = lowerBound(marks, this.t - 1e-9, (x) => x) - 1; t = i >= 0 ? marks[i] : null; }
      if (t === null) return;
      this.hold();
      this.seek(t);
    }

    select(name) {
      this.selected = name;
      this.shownN = -1;
      this.render();
    }

    // ---- drawing
    render() {
      const m = this.model;
      const t = this.t;
      const n = m.count(t);
      const state = m.stateAfter(n);
      this.state = state;
      const slider = document.getElementById("slider");
      if (document.activeElement !== slider || !this.playing) slider.value = String(m.duration ? (1000 * t) / m.duration : 0);
      document.getElementById("clock").textContent = `${fmt(t)} / ${fmt(m.duration)}`;
      this.drawNodes(state, t);
      this.drawCuts(state);
      this.drawMessages(t);
      this.drawDrops(t);
      if (n !== this.shownN) {
        this.shownN = n;
        this.drawStatus(state, n);
        this.drawLogs(state);
        this.drawDetails(state, n);
      }
      this.drawWrites(state, t);
    }

    leaderOf(state) { // the leader of the highest term among live leaders
      let best = null;
      state.nodes.forEach((nd, i) => { if (nd.up && nd.role === "leader" && (best === null || nd.term > state.nodes[best].term)) best = i; });
      return best;
    }

    shownConfig(state) { // the configuration the header shows: the leader's, else the latest in force anywhere
      const leader = this.leaderOf(state);
      return (leader !== null && state.nodes[leader].cfg) || state.cfg;
    }

    drawStatus(state, n) {
      const m = this.model;
      const meta = m.meta;
      const leader = this.leaderOf(state);
      const groups = groupsOf(m.names, state.cut);
      const parts = [
        `<b>${esc(meta.scenario || "run")}</b> seed ${esc(meta.seed)}`,
        `${m.names.length} servers`,
        this.configStatus(state),
        leader === null ? "<b>no leader</b>" : `leader <b>${esc(m.names[leader])}</b> (term ${state.nodes[leader].term})`,
        `event ${n} of ${m.events.length}`,
      ];
      if (groups.length > 1) parts.push(`<b>partition</b> ${esc(groups.map((g) => g.join(" ")).join(" | "))}`);
      else if (state.cut.size) parts.push(`<b>${state.cut.size} link direction${state.cut.size > 1 ? "s" : ""} cut</b>`);
      if (state.transfer) parts.push(`transfer ${esc(state.transfer.from)} → ${esc(state.transfer.to)}`);
      if (meta.bugs && meta.bugs.length) parts.push(`bugs on: ${esc(meta.bugs.join(", "))}`);
      document.getElementById("status").innerHTML = parts.join(" · ");
      const banner = document.getElementById("violation-banner");
      const v = m.violation;
      if (v && state.violation) {
        banner.hidden = false;
        banner.className = "hit";
        banner.textContent = `⚠ SAFETY VIOLATION at ${fmt(v.t_ms)}: ${v.property} on ${v.nodes.join(", ")} — ${v.detail}`;
      } else if (v) {
        banner.hidden = false;
        banner.className = "pending";
        banner.textContent = `This run breaks ${v.property} at ${fmt(v.t_ms)} (press v to jump there).`;
      } else banner.hidden = true;
    }

    configStatus(state) { // the configuration in force, in the header: voters (both halves when joint), learners
      const cfg = this.shownConfig(state);
      const leader = this.leaderOf(state);
      const committed = leader !== null && state.nodes[leader].cfg === cfg ? state.nodes[leader].cfgCommitted >= cfg.index : null;
      const joint = cfg.outgoing.length > 0;
      const where = leader !== null && state.nodes[leader].cfg === cfg ? "" : " (latest in force)";
      const words = cfg.index === 0 ? `voters ${cfg.voters.join(" ")}` : configWords(cfg);
      return `<span id="config" data-index="${cfg.index}" data-voters="${esc(cfg.voters.join(" "))}" data-learners="${esc(cfg.learners.join(" "))}"` +
        ` data-outgoing="${esc(cfg.outgoing.join(" "))}" data-joint="${joint}">` +
        `<b>${joint ? "joint " : ""}configuration</b>${cfg.index ? ` #${cfg.index}` : ""}${committed === false ? " (not yet committed)" : ""}${where}: ${esc(words)}</span>`;
    }

    drawNodes(state, t) {
      const m = this.model;
      const cfg = this.shownConfig(state);
      const leader = this.leaderOf(state);
      const violating = new Set(state.violation ? state.violation.nodes : []);
      const groups = state.cut.size ? groupsOf(m.names, state.cut) : [m.names];
      const groupOf = new Map();
      if (groups.length > 1) groups.forEach((g, k) => g.forEach((name) => groupOf.set(name, k)));
      state.nodes.forEach((nd, i) => {
        const v = this.nodeEls[i];
        const name = m.names[i];
        const role = nd.up ? nd.role : "down";
        const member = membership(cfg, name, nd);
        const cls = `node ${role}` + (member !== "voter" ? " " + member : "") + (this.selected === name ? " selected" : "") + (violating.has(name) ? " violating" : "");
        attr(v.g, "class", cls);
        attr(v.g, "data-member", member);
        attr(v.g, "data-role", role);
        attr(v.g, "data-term", String(nd.term));
        attr(v.g, "data-up", String(nd.up));
        attr(v.g, "data-commit", String(nd.commit));
        attr(v.g, "data-vote", nd.vote || "");
        attr(v.ring, "stroke", violating.has(name) ? "var(--bad)" : member === "learner" ? "var(--learner)" : "none");
        attr(v.group, "stroke", groupOf.has(name) ? GROUP_COLORS[groupOf.get(name) % GROUP_COLORS.length] : "transparent");
        const r = this.nodeR;
        if (this.small) {
          text(v.sub1, nd.up ? `T${nd.term}` : "down");
          const state_ = nd.up ? `vote ${nd.vote || "-"} · commit ${nd.commit}` : `term ${nd.term}`;
          text(v.below, member === "spare" ? "not yet a member" : member === "voter" ? state_ : `${member} · ${state_}`);
        } else {
          const show = i === leader || role !== "follower" || this.selected === name || violating.has(name) || member === "learner";
          text(v.below, show ? `${name} T${nd.term}${member !== "voter" && member !== "spare" ? " " + member : ""}` : "");
        }
        text(v.title, `${name}: ${member === "spare" ? "not yet a member" : member + ", " + role}, term ${nd.term}, vote ${nd.vote || "-"}, commit ${nd.commit}, log ${nd.log.length}`);
        // election timer: the part still to run, as an arc around the server
        let d = "";
        let guess = false;
        if (nd.up && nd.role !== "leader" && member !== "spare") {
          const timer = m.timer(i, state, t);
          const left = Math.max(0, Math.min(1, (timer.end - t) / (timer.end - timer.start || 1)));
          guess = !timer.known;
          if (left > 0.001) {
            const rr = r + 4;
            const a1 = -Math.PI / 2, a2 = a1 + 2 * Math.PI * Math.min(left, 0.9999);
            const large = left > 0.5 ? 1 : 0;
            d = `M ${(rr * Math.cos(a1)).toFixed(1)} ${(rr * Math.sin(a1)).toFixed(1)} A ${rr} ${rr} 0 ${large} 1 ${(rr * Math.cos(a2)).toFixed(1)} ${(rr * Math.sin(a2)).toFixed(1)}`;
          }
        }
        attr(v.timer, "d", d);
        attr(v.timer, "class", guess ? "timer guess" : "timer");
      });
    }

    drawCuts(state) {
      const key = Array.from(state.cut).sort().join(",");
      if (key === this.cutKey) return;
      this.cutKey = key;
      const g = this.gCuts;
      g.textContent = "";
      const m = this.model;
      if (!state.cut.size) return;
      if (!this.small) { // a large cluster: only the isolated or split-off servers' links would be unreadable
        return;
      }
      for (const link of state.cut) {
        const [a, b] = link.split(">");
        const both = state.cut.has(b + ">" + a);
        if (both && a > b) continue; // a link cut both ways: one line, drawn once
        const [x1, y1] = this.pos[m.index.get(a)], [x2, y2] = this.pos[m.index.get(b)];
        const dx = x2 - x1, dy = y2 - y1, len = Math.hypot(dx, dy);
        const off = both ? 0 : 5; // a one-way cut on its own side of the link, with an arrow
        const ox = (-dy / len) * off, oy = (dx / len) * off;
        const px = (-dy / len) * 8, py = (dx / len) * 8;
        const r = this.nodeR + 6;
        const sx = x1 + (dx / len) * r + ox, sy = y1 + (dy / len) * r + oy;
        const ex = x2 - (dx / len) * r + ox, ey = y2 - (dy / len) * r + oy;
        el("line", { class: "cutline", x1: sx, y1: sy, x2: ex, y2: ey, "data-cut": both ? `${a}<>${b}` : link }, g);
        if (!both) {
          const ax = ex - (dx / len) * 12, ay = ey - (dy / len) * 12;
          el("path", { d: `M ${ex} ${ey} L ${ax + px / 1.6} ${ay + py / 1.6} L ${ax - px / 1.6} ${ay - py / 1.6} Z`, fill: "var(--bad)" }, g);
        }
        const mx = (x1 + x2) / 2 + ox, my = (y1 + y2) / 2 + oy;
        el("line", { class: "cutbar", x1: mx - px, y1: my - py, x2: mx + px, y2: my + py }, g);
      }
    }

    drawMessages(t) {
      const m = this.model;
      const g = this.gMsgs;
      const flying = m.inFlight(t);
      const pool = g.children;
      let used = 0;
      const labels = this.small && flying.length <= 60;
      for (const [msg, t1, reason] of flying) {
        const e = msg.e;
        const ia = m.index.get(e.from), ib = m.index.get(e.to);
        if (ia === undefined || ib === undefined) continue;
        const end = t1 === Infinity ? msg.t0 + (m.latency[0] + m.latency[1]) / 2 : t1;
        let p = Math.max(0, Math.min(1, (t - msg.t0) / (end - msg.t0 || 1)));
        if (t1 === Infinity) p = Math.min(p, 0.95);
        if (reason) p *= DROP_AT[reason] || 1;
        const [x1, y1] = this.pos[ia], [x2, y2] = this.pos[ib];
        const dx = x2 - x1, dy = y2 - y1, len = Math.hypot(dx, dy) || 1;
        const r = this.nodeR;
        const ox = (-dy / len) * 5, oy = (dx / len) * 5;
        const x = x1 + (dx / len) * r + (dx - (2 * dx * r) / len) * p + ox;
        const y = y1 + (dy / len) * r + (dy - (2 * dy * r) / len) * p + oy;
        let node = pool[used];
        if (!node) {
          node = el("g", {}, g);
          el("circle", { class: "msg" }, node);
          el("text", { class: "msglabel", x: 8, y: 4 }, node);
        }
        used++;
        const refused = e.granted === false || e.success === false || e.refused === true;
        const color = MSG_COLORS[e.msg] || "#444";
        const big = (e.msg === "AppendEntries" && e.entries > 0) || e.msg === "InstallSnapshot";
        const c = node.firstChild;
        attr(c, "r", this.small ? (big ? 8 : 5.5) : 3.5);
        attr(c, "fill", refused ? "#fff" : color);
        attr(c, "stroke", refused ? "var(--bad)" : "#fff");
        attr(c, "stroke-width", refused ? 2.5 : 1);
        attr(node, "transform", `translate(${x.toFixed(1)},${y.toFixed(1)})`);
        attr(node, "data-msg", e.msg);
        attr(node, "data-id", String(e.id));
        let label = "";
        if (labels) {
          label = MSG_SHORT[e.msg] || e.msg;
          if (e.msg === "AppendEntries" && e.entries) label += " +" + e.entries;
          if (e.msg === "InstallSnapshot") label += " ≤" + e.last_index;
          if (e.msg === "InstallSnapshotResponse" && !e.refused) label += " ≤" + e.match_index;
          if (e.transfer) label += " (transfer)";
          if (refused) label += " ✗";
        }
        text(node.lastChild, label);
        attr(node, "display", "inline");
      }
      for (let i = used; i < pool.length; i++) attr(pool[i], "display", "none");
      this.flyingCount = used;
    }

    drawDrops(t) {
      const m = this.model;
      const g = this.gDrops;
      g.textContent = "";
      for (const d of m.dropsNear(t)) {
        const e = d.e;
        const ia = m.index.get(e.from), ib = m.index.get(e.to);
        const [x1, y1] = this.pos[ia], [x2, y2] = this.pos[ib];
        const f = DROP_AT[e.reason] || 1;
        const dx = x2 - x1, dy = y2 - y1, len = Math.hypot(dx, dy) || 1;
        const r = this.nodeR;
        const x = x1 + (dx / len) * r + (dx - (2 * dx * r) / len) * f, y = y1 + (dy / len) * r + (dy - (2 * dy * r) / len) * f;
        const s = this.small ? 7 : 4;
        const grp = el("g", { class: "dropmark", "data-reason": e.reason, opacity: String(1 - (t - d.t) / DROP_SHOW_MS * 0.6) }, g);
        el("line", { class: "drop", x1: x - s, y1: y - s, x2: x + s, y2: y + s }, grp);
        el("line", { class: "drop", x1: x - s, y1: y + s, x2: x + s, y2: y - s }, grp);
        if (this.small) {
          const txt = el("text", { class: "droplabel", x: x + s + 3, y: y - s }, grp);
          txt.textContent = `${MSG_SHORT[e.msg] || e.msg} ${e.reason}`;
        }
      }
    }

    drawWrites(state, t) {
      const m = this.model;
      const box = document.getElementById("writes");
      const pending = [], acked = [];
      const start = lowerBound(m.writes, t - 60000, (w) => w.t0);
      for (let i = start; i < m.writes.length; i++) {
        const w = m.writes[i];
        if (w.t0 > t) break;
        if (t < w.t1) pending.push(w);
        else if (t - w.t1 <= ACK_SHOW_MS) acked.push(w);
      }
      const key = pending.map((w) => w.seq).join() + "/" + acked.map((w) => w.seq).join() + "/" + Math.round(t);
      if (key === this.writesKey) return;
      this.writesKey = key;
      const lines = pending.slice(-8).map((w) => `<div class="w pending">${esc(w.client)} ${esc(w.command)} waiting ${fmt(t - w.t0)}</div>`);
      const done = acked.slice(-5).map((w) => `<div class="w acked">✓ ${esc(w.client)} ${esc(w.command)} → #${w.index} in ${fmt(w.t1 - w.t0)}</div>`);
      box.innerHTML = `<h3>Client requests</h3>` + (lines.length + done.length ? lines.join("") + done.join("") : `<p class="hint">none in flight</p>`) +
        (pending.length > 8 ? `<div class="hint">and ${pending.length - 8} more waiting</div>` : "");
      // the clients in a corner, a dotted line to the leader while their requests wait
      const g = this.gWrites;
      g.textContent = "";
      const leader = this.leaderOf(state);
      if (pending.length) {
        const clients = Array.from(new Set(pending.map((w) => w.client))).join(" ");
        const box = el("g", { class: "clients", transform: "translate(20,20)" }, g);
        el("rect", { width: 150, height: 34, rx: 5, fill: "#fff5e6", stroke: "var(--candidate)" }, box);
        const txt = el("text", { x: 8, y: 22, "font-size": 14 }, box);
        txt.textContent = `${clients}: ${pending.length} waiting`;
        if (leader !== null) {
          const [x, y] = this.pos[leader];
          el("path", { class: "writeflow", d: `M 170 37 L ${x} ${y}` }, g);
        }
      }
    }

    logRows(state) {
      const m = this.model;
      if (this.small) return m.names.map((_, i) => i);
      const rows = new Set();
      const leader = this.leaderOf(state);
      if (leader !== null) rows.add(leader);
      if (this.selected !== null) rows.add(m.index.get(this.selected));
      state.nodes.forEach((nd, i) => { if (nd.up && nd.role !== "follower") rows.add(i); });
      if (state.violation) for (const name of state.violation.nodes) rows.add(m.index.get(name));
      for (let i = 0; rows.size < 6 && i < m.names.length; i++) rows.add(i);
      return Array.from(rows).sort((a, b) => a - b);
    }

    drawLogs(state) {
      const m = this.model;
      const box = document.getElementById("logs");
      const leader = this.leaderOf(state);
      const progress = leader !== null ? state.progress[m.names[leader]] : null;
      const rows = this.logRows(state);
      let longest = 0;
      for (const i of rows) longest = Math.max(longest, state.nodes[i].log.length);
      if (!this.logWidth) this.logWidth = box.clientWidth || 900; // read once (and on resize): a read forces a layout
      const snapRoom = rows.some((i) => state.nodes[i].snap) ? 8 : 0; // the snapshot notes take room too
      const width = Math.max(8, Math.floor(this.logWidth / (document.body.classList.contains("large") ? 40 : 26)) - 10 - snapRoom);
      // the window of indexes shown: the newest entries, and the last few of every server's log (so a server far
      // behind still shows where it stands); when that is wider than the panel, the cells narrow and drop their text
      let first = Math.max(1, longest - width + 1);
      for (const i of rows) if (state.nodes[i].log.length) first = Math.min(first, Math.max(1, state.nodes[i].log.length - 2));
      first = Math.max(first, longest - Math.floor(2.5 * width) + 1, 1); // narrow cells are a third as wide
      const narrow = longest - first + 1 > width;
      const html = [];
      for (const i of rows) {
        const nd = state.nodes[i];
        const name = m.names[i];
        const role = nd.up ? nd.role : "down";
        const member = membership(this.shownConfig(state), name, nd);
        const p = member !== "spare" && progress && progress.f[name];
        const cells = [];
        // entries a snapshot replaced are drawn hatched, and a bar after the snapshot's last included index marks
        // the boundary (when it falls left of the window, the elided count says the snapshot is in it)
        const before = Math.min(first - 1, nd.log.length); // entries left of the window (a log may end before it)
        if (first > 1) {
          const hidden = nd.snap >= before ? "" : nd.snap ? ` (snapshot ≤${nd.snap})` : "";
          cells.push(`<span class="elided${nd.snap && nd.snap < first ? " insnap" : ""}">…${before}${hidden}</span>`);
        }
        if (nd.snap && nd.snap === before) cells.push(`<span class="snapmark" title="snapshot up to #${nd.snap} (term ${nd.snapTerm})"></span>`);
        for (let k = first; k <= nd.log.length; k++) {
          const term = nd.log[k - 1];
          const cmd = nd.cmds[k - 1];
          const hue = (term * 67) % 360;
          const cls = ["cell", k <= nd.commit ? "committed" : "uncommitted"];
          if (k <= nd.snap) cls.push("compacted");
          if (narrow) cls.push("narrow");
          if (p && k === p[0]) cls.push("next");
          const what = k <= nd.snap ? "in the snapshot" : cmd === null ? "no-op" : esc(cmd);
          cells.push(`<span class="${cls.join(" ")}" style="--h:${hue}" title="#${k} term ${term}: ${what}">${narrow || !term ? "" : term}</span>`);
          if (k === nd.snap) cells.push(`<span class="snapmark" title="snapshot up to #${nd.snap} (term ${nd.snapTerm})"></span>`);
          else if (k === nd.commit && k < nd.log.length) cells.push('<span class="commitmark" title="commitIndex"></span>');
        }
        let prog = p ? `<span class="progress">next ${p[0]} · match ${p[1]}</span>` : (leader === i ? '<span class="progress">leader</span>' : "");
        if (nd.snap) prog += `<span class="snapnote">snapshot ≤${nd.snap}</span>`;
        html.push(`<div class="logrow ${role} ${member}" data-log="${esc(name)}" data-length="${nd.log.length}" data-snapshot="${nd.snap}"><span class="who" data-select="${esc(name)}">${esc(name)} <small>${member === "spare" ? "not yet a member" : `${member !== "voter" && nd.up ? member : role} T${nd.term}`}</small></span>${cells.join("")}${prog}</div>`);
      }
      if (rows.length < m.names.length) html.push(`<div class="lognote">${m.names.length - rows.length} more servers not shown: the leader, candidates, the selected server and the first few are.</div>`);
      box.innerHTML = html.join("");
      for (const who of box.querySelectorAll("[data-select]")) who.onclick = () => this.select(who.getAttribute("data-select"));
    }

    drawDetails(state, n) {
      const box = document.getElementById("details");
      const m = this.model;
      if (this.selected === null) {
        box.innerHTML = '<p class="hint">Click a server for its full state.</p>';
        this.detailsFor = null;
        return;
      }
      if (this.detailsFor !== this.selected) {
        // the heading and live mode's buttons stay put while the state below them is redrawn (a click on a
        // button must not land on a button being replaced)
        const who = this.selected;
        box.innerHTML = `<h3>${esc(who)}</h3>` + (this.live
          ? '<div class="nodemenu"><button data-act="crash">crash (c)</button><button data-act="restart">restart (r)</button><button data-act="timeout">force timeout (t)</button></div>'
          : "") + '<div class="state"></div>';
        for (const b of box.querySelectorAll("[data-act]")) b.onclick = () => this.send({ type: "event", event: { [b.getAttribute("data-act")]: who } });
        this.detailsFor = who;
      }
      const i = m.index.get(this.selected);
      const nd = state.nodes[i];
      const name = this.selected;
      const role = nd.up ? nd.role : "down";
      const timer = m.timer(i, state, this.t);
      const member = membership(this.shownConfig(state), name, nd);
      const rows = [
        ["membership", { voter: "voter", learner: "learner (replicated to, not counted in votes or commits)",
          leaving: "voter of the old configuration only (joint consensus: leaving)", removed: "removed from the configuration",
          spare: "not yet a member (a spare, started when added)" }[member]],
        ["configuration in force here", nd.cfg ? `${nd.cfg.index ? "#" + nd.cfg.index + ", " : "initial, "}${configWords(nd.cfg)}` +
          (nd.cfg.index ? (nd.cfgCommitted >= nd.cfg.index ? " (committed)" : " (not yet committed)") : "") : "none"],
        ["role", role], ["currentTerm", nd.term], ["votedFor", nd.vote || "none"], ["up", nd.up ? "yes" : "no (crashed)"],
        ["commitIndex", nd.commit], ["log length", nd.log.length], ["last log term", nd.log.length ? nd.log[nd.log.length - 1] : 0],
        ["snapshot", nd.snap ? `up to #${nd.snap} (term ${nd.snapTerm})` : "none"],
        ["entries stored", nd.log.length > nd.snap ? `#${nd.snap + 1}–#${nd.log.length}` : "none"],
      ];
      if (nd.up && nd.role !== "leader") {
        const when = timer.known ? `, fires at ${fmt(timer.end)}` : timer.resetAgain !== null ? `, reset again at ${fmt(timer.resetAgain)} before it fired` : "";
        rows.push(["election timer", `reset at ${fmt(timer.start)}${when}`]);
      }
      const leader = this.leaderOf(state);
      if (leader !== null && leader !== i) {
        const p = state.progress[m.names[leader]];
        const f = p && p.f[name];
        if (f) rows.push([`${m.names[leader]}'s view`, `nextIndex ${f[0]}, matchIndex ${f[1]}`]);
      }
      let html = `<table data-details="${esc(name)}">` + rows.map(([k, v]) => `<tr><td>${esc(k)}</td><td data-field="${esc(k)}">${esc(v)}</td></tr>`).join("") + "</table>";
      if (nd.up && nd.role === "leader" && state.progress[name]) {
        const f = state.progress[name].f;
        html += "<h3>nextIndex / matchIndex</h3><table>" + Object.keys(f).map((k) => `<tr><td>${esc(k)}</td><td>${f[k][0]} / ${f[k][1]}</td></tr>`).join("") + "</table>";
      }
      const recent = [];
      for (let k = n - 1; k >= 0 && recent.length < 10 && k > n - 3000; k--) {
        const e = m.events[k];
        if (e.node === name || e.from === name || e.to === name) recent.push(`${fmt(e.t_ms)} ${describe(e)}`);
      }
      html += `<h3>Latest events</h3><div class="recent">${recent.map(esc).join("<br>") || "none"}</div>`;
      box.querySelector(".state").innerHTML = html;
    }

    send() {} // live mode only
    submitWrite() {}
  }

  // ------------------------------------------------------------------------------------------ live mode
  class LiveView extends View {
    constructor(model, socket) {
      super(model, true);
      this.socket = socket;
      this.now = 0;
      this.nowAt = performance.now();
      this.paused = false;
      this.following = true;
      this.buildLivePanel();
      requestAnimationFrame((n) => this.liveFrame(n));
    }
    send(message) {
      if (this.socket && this.socket.readyState === 1) this.socket.send(JSON.stringify(message));
    }
    buildLivePanel() {
      const panel = document.getElementById("live-panel");
      panel.hidden = false;
      const names = this.model.names;
      this.groupOf = new Map(names.map((n) => [n, "A"]));
      panel.innerHTML =
        '<h3>Live</h3><div class="conn" id="conn">connected</div>' +
        '<div class="row"><button id="live-pause">pause</button><button id="live-resume">resume</button></div>' +
        '<div class="row"><input id="write-text" value="x=1" size="10" aria-label="command"><button id="write">write (w)</button></div>' +
        '<div class="row">partition: click a server\'s button to move it to the next group</div>' +
        `<div class="row groups">${names.map((n) => `<button class="gA" data-group="${esc(n)}">${esc(n)}: A</button>`).join("")}</div>` +
        '<div class="row"><button id="partition">partition</button><button id="heal">heal all</button></div>' +
        '<div class="row hint">Click a link near a server to cut the direction leaving it. Click a server to crash, restart or time it out.</div>' +
        '<div class="row"><button id="save">save as scenario</button></div>';
      document.getElementById("live-pause").onclick = () => this.send({ type: "pause" });
      document.getElementById("live-resume").onclick = () => this.send({ type: "resume" });
      document.getElementById("write").onclick = () => this.submitWrite();
      document.getElementById("heal").onclick = () => this.send({ type: "event", event: { heal: true } });
      document.getElementById("save").onclick = () => this.send({ type: "save" });
      document.getElementById("partition").onclick = () => {
        const groups = ["A", "B", "C"].map((g) => names.filter((n) => this.groupOf.get(n) === g)).filter((g) => g.length);
        if (groups.length > 1) this.send({ type: "event", event: { partition: groups } });
      };
      for (const b of panel.querySelectorAll("[data-group]")) {
        b.onclick = () => {
          const n = b.getAttribute("data-group");
          const next = { A: "B", B: "C", C: "A" }[this.groupOf.get(n)];
          this.groupOf.set(n, next);
          b.className = "g" + next;
          b.textContent = `${n}: ${next}`;
        };
      }
      const speed = document.getElementById("speed");
      if (speed.options[0] && speed.options[0].value === "0") speed.remove(0);
      document.getElementById("play").onclick = () => this.send({ type: this.paused ? "resume" : "pause" });
      const slider = document.getElementById("slider");
    }
    error(message) { // the server refused something the page sent: say so where the user is looking
      const conn = document.getElementById("conn");
      conn.textContent = `server: ${message}`;
      conn.className = "conn bad";
    }
    submitWrite() {
      const text = document.getElementById("write-text").value.trim();
      if (text) this.send({ type: "event", event: { write: text } });
    }
    status(msg) {
      this.now = msg.now_ms;
      this.nowAt = performance.now();
      this.paused = msg.paused;
      this.playing = !msg.paused;
      document.getElementById("play").innerHTML = msg.paused ? "&#9654;" : "&#10074;&#10074;";
      if (msg.speed > 0) {
        const select = document.getElementById("speed");
        if (!Array.from(select.options).some((o) => Number(o.value) === msg.speed)) {
          const o = document.createElement("option"); // a speed the server chose: listed too
          o.value = String(msg.speed);
          o.textContent = `${msg.speed} simulated ms per ms`;
          select.appendChild(o);
        }
        this.speed = msg.speed;
        select.value = String(msg.speed);
      }
    }
    events(msg) {
      const before = this.model.marks.election.length + this.model.marks.fault.length + this.model.marks.violation.length;
      this.model.add(msg.events);
      if (typeof msg.now_ms === "number") { this.now = msg.now_ms; this.nowAt = performance.now(); }
      this.model.endMs = Math.max(this.model.endMs, this.now);
      const after = this.model.marks.election.length + this.model.marks.fault.length + this.model.marks.violation.length;
      if (after !== before) this.drawMarks();
      this.shownN = -1;
    }
    liveFrame(now) {
      if (this.following) {
        const ahead = this.paused ? 0 : Math.min((now - this.nowAt) * this.speed, 100 * this.speed);
        this.t = this.now + ahead;
        this.model.endMs = Math.max(this.model.endMs, this.t); // the time bar ends where the page shows
      }
      this.render();
      requestAnimationFrame((n) => this.liveFrame(n));
    }
    seek(t) { this.following = t >= this.now; super.seek(t); }
    play() { this.following = true; this.send({ type: "resume" }); }
    pause() { this.send({ type: "pause" }); }
    hold() { this.following = false; }
  }

  function download(name, content) {
    const a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([content], { type: "application/x-yaml" }));
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  function startLive() {
    const api = { model: null, view: null, received: [], download: null };
    window.raftPlayer = api;
    const socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws");
    const pending = [];
    socket.onmessage = (ev) => {
      const msg = JSON.parse(ev.data);
      if (api.received.length < 100) api.received.push(msg.type); // the first messages' types, for the tests
      if (msg.type === "meta") {
        if (api.view) { location.reload(); return; } // a new simulation: start the page afresh
        api.model = new Model(msg.meta);
        document.getElementById("title").textContent = `raft-sim live: ${msg.meta.scenario || ""}`;
        api.view = new LiveView(api.model, socket);
        for (const p of pending.splice(0)) socket.onmessage({ data: JSON.stringify(p) });
      } else if (!api.view) pending.push(msg);
      else if (msg.type === "events") api.view.events(msg);
      else if (msg.type === "status") api.view.status(msg);
      else if (msg.type === "error") api.view.error(msg.message);
      else if (msg.type === "scenario") {
        api.download = msg.yaml;
        download(`${(api.model.meta.scenario || "live")}-live.yaml`, msg.yaml);
      }
    };
    socket.onclose = () => {
      const conn = document.getElementById("conn");
      if (conn) { conn.textContent = "disconnected: the server stopped"; conn.className = "conn bad"; }
      else document.getElementById("status").textContent = "disconnected";
    };
    socket.onerror = () => { document.getElementById("status").textContent = "cannot connect to the live server"; };
  }

  function startReplay(data) {
    const t0 = performance.now();
    const model = new Model(data.meta);
    model.add(decode(data));
    const view = new View(model, false);
    document.getElementById("title").textContent = "raft-sim player";
    window.raftPlayer = { model: model, view: view, loadMs: performance.now() - t0, apply: applyEvent, initialState: initialState };
  }

  const mode = document.body.getAttribute("data-mode");
  if (mode === "live") startLive();
  else startReplay(JSON.parse(document.getElementById("trace").textContent));
})();
