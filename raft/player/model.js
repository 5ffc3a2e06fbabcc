// raft-sim player, the model: each server's state rebuilt from a trace's events, with the rules of
// raft/analysis/replay.py, and a keyframe of the whole state every KEYFRAME events: the state at time t is a binary
// search for the last event at or before t, a copy of the keyframe before it and at most KEYFRAME events replayed.
// No drawing here (player.js draws); both files are inlined into one <script> of the page.
"use strict";
const RaftTrace = (function () {
  const KEYFRAME = 500;
  const DROP_SHOW_MS = 25; // a drop stays marked this long (simulated ms)
  const FAULTS = new Set(["crash", "restart", "partition", "isolate", "cut", "heal"]);

  // ------------------------------------------------------------------------------------------ helpers
  function upperBound(arr, x) { // first index with arr[i] > x
    let lo = 0, hi = arr.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (arr[mid] <= x) lo = mid + 1; else hi = mid; }
    return lo;
  }
  function lowerBound(arr, x, key) { // first index with key(arr[i]) >= x
    let lo = 0, hi = arr.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (key(arr[mid]) < x) lo = mid + 1; else hi = mid; }
    return lo;
  }
  function decode(data) {
    const shapes = data.shapes;
    const out = new Array(data.rows.length);
    for (let r = 0; r < data.rows.length; r++) {
      const row = data.rows[r];
      const shape = shapes[row[0]];
      const keys = shape[1];
      const e = { t_ms: row[1], type: shape[0] };
      for (let i = 0; i < keys.length; i++) e[keys[i]] = row[i + 2];
      out[r] = e;
    }
    return out;
  }
  const CONFIG_VERB = { appended: "appends", committed: "commits", in_force: "now uses" };
  function configWords(c) { // a configuration in words: its voters (both halves when joint) and learners
    const list = (names) => (names && names.length ? names.join(" ") : "none");
    let out = c.outgoing && c.outgoing.length
      ? `joint: old voters ${list(c.outgoing)} and new voters ${list(c.voters)}` : `voters ${list(c.voters)}`;
    if (c.learners && c.learners.length) out += `, learners ${list(c.learners)}`;
    return out;
  }
  function describe(e) { // one event as a short line
    switch (e.type) {
      case "role": return `${e.node} becomes ${e.role} (term ${e.term})`;
      case "timeout": return `${e.node}: election timeout (term ${e.term})`;
      case "vote": return `${e.node} ${e.granted ? "votes for" : "refuses"} ${e.candidate} (term ${e.term})${e.reason ? ": " + e.reason : ""}`;
      case "pre_vote": return `${e.node} ${e.granted ? "grants" : "refuses"} PreVote to ${e.candidate}${e.reason ? ": " + e.reason : ""}`;
      case "step_down": return `${e.node} steps down (${e.reason})`;
      case "send": case "deliver": case "drop": {
        let what = e.msg;
        if (e.msg === "AppendEntries") what += ` (${e.entries || 0} entr${e.entries === 1 ? "y" : "ies"})`;
        if (e.msg === "InstallSnapshot") what += ` (up to #${e.last_index}, term ${e.last_term})`;
        if (e.msg === "InstallSnapshotResponse") what += e.refused ? " refused" : ` (match #${e.match_index})`;
        if ("granted" in e) what += e.granted ? " granted" : " refused";
        if ("success" in e) what += e.success ? " ok" : " refused";
        return `${e.type} ${what} ${e.from}→${e.to}${e.type === "drop" ? " (" + e.reason + ")" : ""}`;
      }
      case "append": return `${e.node} appends #${e.index} (term ${e.term}${e.command == null ? ", no-op" : ", " + e.command})`;
      case "truncate": return `${e.node} truncates its log from #${e.index}`;
      case "commit": return `${e.node} commits up to #${e.index}`;
      case "apply": return `${e.node} applies #${e.index}`;
      case "crash": return `${e.node} crashes`;
      case "restart": return `${e.node} restarts (term ${e.term}, ${e.snapshot ? `snapshot up to #${e.snapshot[0]} and ` : ""}${e.log.length} entries kept)`;
      case "snapshot": return e.from
        ? `${e.node} installs ${e.from}'s snapshot up to #${e.index} (term ${e.term}, ${e.kept || 0} entries kept after it)`
        : `${e.node} snapshots up to #${e.index} (term ${e.term})`;
      case "partition": return `partition ${e.groups.map((g) => g.join(" ")).join(" | ")}`;
      case "isolate": return `${e.node} isolated`;
      case "cut": return `link ${e.from}→${e.to} cut`;
      case "heal": return e.link ? `link ${e.link[0]}↔${e.link[1]} healed` : e.node ? `links of ${e.node} healed` : "network healed";
      case "skip": return `skipped ${e.action} ${e.target}: ${e.reason}`;
      case "transfer": return `${e.from} transfers leadership to ${e.node}`;
      case "transfer_done": return `transfer to ${e.node} done (term ${e.elected_term})`;
      case "transfer_abort": return `transfer to ${e.node} aborted: ${e.reason}`;
      case "submit": return `${e.client} submits ${e.command}`;
      case "ack": return `${e.client} acknowledged ${e.command} (#${e.index})`;
      case "config": return `${e.node} ${CONFIG_VERB[e.phase] || e.phase} configuration #${e.index}: ${configWords(e)}`;
      case "violation": return `VIOLATION ${e.property}: ${e.detail}`;
      case "end": return "end of run";
      default: return e.type;
    }
  }

  // ------------------------------------------------------------------------------------------ the model
  function allNames(meta) { // the cluster's servers, then its spares (raft/analysis/replay.py, nodes)
    return meta.nodes.concat(meta.spares || []);
  }
  function initialState(meta) {
    const init = meta.initial_state || {};
    // the configuration the cluster starts with: its servers, all voters; spares are no member until added
    const start = { index: 0, voters: meta.nodes.slice(), learners: [], outgoing: [] };
    const spares = new Set(meta.spares || []);
    return {
      cfg: start, // the configuration in force most recently, at any server
      nodes: allNames(meta).map((name) => {
        const s = init[name] || {};
        const log = (s.log || []).slice();
        return {
          role: "follower", term: s.term || 0, vote: s.voted_for || null, commit: 0, up: true,
          // log: the term of every entry from index 1, those a snapshot replaced included (up to snap, the
          // snapshot's last included index, of term snapTerm; 0: none), as raft/analysis/replay.py's NodeLog
          log: log, cmds: log.map(() => "?"), resetT: 0, snap: 0, snapTerm: 0,
          // membership: started (a spare starts when added), the configuration in force at this server and the
          // index of the latest configuration entry it knows committed
          started: !spares.has(name), cfg: spares.has(name) ? null : start, cfgCommitted: 0,
        };
      }),
      cut: new Set(), // "a>b": messages from a to b are lost
      progress: {}, // leader -> {term, f: {follower: [nextIndex, matchIndex, replicating]}}
      transfer: null,
      violation: null,
    };
  }
  function cloneState(s) {
    const progress = {};
    for (const leader in s.progress) {
      const p = s.progress[leader];
      const f = {};
      for (const k in p.f) f[k] = p.f[k].slice();
      progress[leader] = { term: p.term, f: f };
    }
    return {
      nodes: s.nodes.map((n) => Object.assign({}, n, { log: n.log.slice(), cmds: n.cmds.slice() })),
      cut: new Set(s.cut), progress: progress, transfer: s.transfer, violation: s.violation, cfg: s.cfg,
    };
  }

  class Model {
    constructor(meta) {
      this.meta = meta;
      this.names = allNames(meta);
      this.index = new Map(this.names.map((n, i) => [n, i]));
      const cluster = (meta.config && meta.config.cluster) || {};
      this.eto = cluster.election_timeout_ms || [150, 300];
      const net = (meta.config && meta.config.network) || {};
      this.latency = net.latency_ms || [5, 10];
      this.events = [];
      this.times = [];
      this.keyframes = [initialState(meta)]; // keyframes[k]: the state after k * KEYFRAME events
      this.cur = initialState(meta);
      this.msgs = []; // in send order: {t0, e, arr: [[t1, dropReason or null], ...]}
      this.msgById = new Map();
      this.maxFlight = 0;
      this.drops = []; // {t, e, t0}
      this.resets = this.names.map(() => []); // per node: times its election timer was reset
      this.timeouts = this.names.map(() => []); // per node: times its election timer fired
      this.marks = { election: [], fault: [], violation: [], config: [] };
      this.configsSeen = new Set(); // configuration entries appended so far (a mark at the first append of each)
      this.writes = [];
      this.writeByKey = new Map();
      this.violation = null;
      this.endMs = 0;
      this.lastCandidateTerm = -1;
      this.cache = null; // {n, state}: the state after n events, reused when the view moves forward
    }

    add(events) {
      for (const e of events) this.ingest(e);
    }

    ingest(e) {
      if (e.type === "meta") return;
      const n = this.events.length;
      if (n > 0 && n % KEYFRAME === 0) this.keyframes.push(cloneState(this.cur));
      this.events.push(e);
      this.times.push(e.t_ms);
      this.endMs = Math.max(this.endMs, e.t_ms);
      const reset = applyEvent(this.cur, e, this.index);
      if (reset >= 0) this.resets[reset].push(e.t_ms);
      switch (e.type) {
        case "send": {
          const m = { t0: e.t_ms, e: e, arr: [] };
          this.msgs.push(m);
          this.msgById.set(e.id, m);
          break;
        }
        case "deliver": case "drop": {
          const m = this.msgById.get(e.id);
          if (m) {
            m.arr.push([e.t_ms, e.type === "drop" ? e.reason : null]);
            this.maxFlight = Math.max(this.maxFlight, e.t_ms - m.t0);
          }
          if (e.type === "drop") this.drops.push({ t: e.t_ms, e: e, t0: m ? m.t0 : e.t_ms });
          break;
        }
        case "timeout": this.timeouts[this.index.get(e.node)].push(e.t_ms); break;
        case "role":
          if (e.role === "candidate" && e.term > this.lastCandidateTerm) {
            this.lastCandidateTerm = e.term;
            this.marks.election.push(e.t_ms);
          }
          break;
        case "submit": {
          const w = { client: e.client, seq: e.seq, command: e.command, t0: e.t_ms, t1: Infinity, index: null };
          this.writes.push(w);
          this.writeByKey.set(e.client + "\u0000" + e.seq, w);
          break;
        }
        case "ack": {
          const w = this.writeByKey.get(e.client + "\u0000" + e.seq);
          if (w && w.t1 === Infinity) { w.t1 = e.t_ms; w.index = e.index; }
          break;
        }
        case "violation": this.violation = e; this.marks.violation.push(e.t_ms); break;
        case "config": {
          const key = e.index + ":" + e.voters.join(" ") + "/" + e.learners.join(" ") + "/" + (e.outgoing || []).join(" ");
          if (e.phase === "appended" && !this.configsSeen.has(key)) { this.configsSeen.add(key); this.marks.config.push(e.t_ms); }
          break;
        }
        case "end": break;
        default:
          if (FAULTS.has(e.type)) {
            const marks = this.marks.fault;
            if (!marks.length || marks[marks.length - 1] !== e.t_ms) marks.push(e.t_ms);
          }
      }
    }

    get duration() {
      return Math.max(this.endMs, 0);
    }

    count(t) { // how many events happened at or before t
      return upperBound(this.times, t);
    }

    stateAfter(n) { // the state after the first n events
      if (this.cache && this.cache.n <= n && n - this.cache.n <= KEYFRAME) {
        for (let i = this.cache.n; i < n; i++) applyEvent(this.cache.state, this.events[i], this.index);
        this.cache.n = n;
        return this.cache.state;
      }
      const k = Math.min(Math.floor(n / KEYFRAME), this.keyframes.length - 1);
      const state = cloneState(this.keyframes[k]);
      for (let i = k * KEYFRAME; i < n; i++) applyEvent(state, this.events[i], this.index);
      this.cache = { n: n, state: state };
      return state;
    }

    stateAt(t) {
      return this.stateAfter(this.count(t));
    }

    inFlight(t) { // messages on the wire at t: [msg, t1, dropReason]
      const out = [];
      const from = lowerBound(this.msgs, t - this.maxFlight - 1e-9, (m) => m.t0);
      const pending = this.latency[1] * 4; // live mode: not yet arrived
      for (let i = from; i < this.msgs.length; i++) {
        const m = this.msgs[i];
        if (m.t0 > t) break;
        if (!m.arr.length) { if (t - m.t0 < pending) out.push([m, Infinity, null]); continue; }
        for (const [t1, reason] of m.arr) if (t < t1) out.push([m, t1, reason]);
      }
      return out;
    }

    dropsNear(t) {
      const from = lowerBound(this.drops, t - DROP_SHOW_MS, (d) => d.t);
      const out = [];
      for (let i = from; i < this.drops.length && this.drops[i].t <= t; i++) out.push(this.drops[i]);
      return out;
    }

    timer(i, state, t) { // the election timer of node i at t: {start, end, known, resetAgain}
      const start = state.nodes[i].resetT;
      const tos = this.timeouts[i];
      const resets = this.resets[i];
      const k = upperBound(resets, start);
      const resetAgain = k < resets.length ? resets[k] : null;
      const j = upperBound(tos, start);
      if (j < tos.length && (resetAgain === null || resetAgain >= tos[j])) {
        return { start: start, end: tos[j], known: true, resetAgain: null };
      }
      return { start: start, end: start + this.eto[1], known: false, resetAgain: resetAgain };
    }
  }

  // Apply one event to a state (the rules of raft/analysis/replay.py). Returns the index of the node whose
  // election timer the event reset, or -1.
  function applyEvent(s, e, index) {
    const i = e.node !== undefined ? index.get(e.node) : undefined;
    if (i !== undefined) s.nodes[i].started = true; // a spare's first event is its start (add)
    switch (e.type) {
      case "config": {
        const n = s.nodes[i];
        if (e.phase === "in_force") {
          n.cfg = { index: e.index, voters: e.voters, learners: e.learners, outgoing: e.outgoing || [] };
          s.cfg = n.cfg;
        } else if (e.phase === "committed") n.cfgCommitted = Math.max(n.cfgCommitted, e.index);
        return -1;
      }
      case "role": {
        const n = s.nodes[i];
        // the election timer restarts when an election starts, and when a leader steps down (its timer was not
        // running); not when a follower only moves to a higher term (raft/core/node.py, become_follower)
        const resets = e.role === "candidate" || (n.role === "leader" && e.role !== "leader");
        if (e.term > n.term) n.vote = null;
        n.term = e.term;
        n.role = e.role;
        if (e.role === "candidate") n.vote = e.node;
        if (e.role !== "leader") delete s.progress[e.node];
        else if (!s.progress[e.node] || s.progress[e.node].term !== e.term) {
          const f = {};
          for (const other of index.keys()) if (other !== e.node) f[other] = [n.log.length + 1, 0, false];
          s.progress[e.node] = { term: e.term, f: f };
        }
        if (!resets) return -1;
        n.resetT = e.t_ms;
        return i;
      }
      case "timeout": s.nodes[i].resetT = e.t_ms; return i;
      case "vote":
        if (e.granted) { const n = s.nodes[i]; n.vote = e.candidate; n.resetT = e.t_ms; return i; }
        return -1;
      case "append": {
        const n = s.nodes[i];
        n.log.length = Math.min(n.log.length, e.index - 1);
        n.cmds.length = Math.min(n.cmds.length, e.index - 1);
        while (n.log.length < e.index - 1) { n.log.push(0); n.cmds.push("?"); }
        n.log.push(e.term);
        n.cmds.push(e.command === undefined ? "?" : e.command);
        return -1;
      }
      case "truncate": {
        const n = s.nodes[i];
        n.log.length = Math.min(n.log.length, e.index - 1);
        n.cmds.length = Math.min(n.cmds.length, e.index - 1);
        return -1;
      }
      case "commit": s.nodes[i].commit = e.index; return -1;
      case "crash": {
        const n = s.nodes[i];
        n.up = false; n.commit = 0;
        delete s.progress[e.node];
        return -1;
      }
      case "restart": {
        // storage gives back the snapshot (its last included index is the commitIndex) and the entries after it;
        // the prefix the snapshot replaced is drawn as the log held it before the crash
        const n = s.nodes[i];
        const before = n.log;
        const start = e.snapshot ? e.snapshot[0] : 0;
        n.up = true; n.commit = start; n.role = "follower"; n.term = e.term; n.vote = e.voted_for;
        n.snap = start; n.snapTerm = e.snapshot ? e.snapshot[1] : 0;
        const prefix = before.slice(0, start);
        while (prefix.length < start) prefix.push(0);
        n.log = prefix.concat(e.log);
        n.cmds = n.log.map((term, k) => (k < before.length && before[k] === term ? n.cmds[k] : "?"));
        n.resetT = e.t_ms;
        return i;
      }
      case "snapshot": {
        const n = s.nodes[i];
        n.snap = e.index; n.snapTerm = e.term;
        if (e.from !== undefined) { // installed: the leader's prefix, then the entries kept after it
          const leader = s.nodes[index.get(e.from)];
          const kept = e.kept || 0;
          n.log = leader.log.slice(0, e.index).concat(n.log.slice(e.index, e.index + kept));
          n.cmds = leader.cmds.slice(0, e.index).concat(n.cmds.slice(e.index, e.index + kept));
          n.commit = Math.max(n.commit, e.index);
        }
        return -1;
      }
      case "send":
        if (e.msg === "AppendEntries" && s.progress[e.from]) {
          const p = s.progress[e.from];
          const f = p.f[e.to];
          if (f && e.term === p.term) f[0] = e.prev_index + 1 + (f[2] ? e.entries || 0 : 0);
        }
        if (e.msg === "InstallSnapshot" && s.progress[e.from]) { // probe from the entry after the snapshot
          const p = s.progress[e.from];
          const f = p.f[e.to];
          if (f && e.term === p.term) { f[0] = Math.max(f[1], e.last_index || 0) + 1; f[2] = false; }
        }
        return -1;
      case "deliver": {
        if ((e.msg === "AppendEntriesResponse" || e.msg === "InstallSnapshotResponse") && s.progress[e.to]) {
          const p = s.progress[e.to];
          const f = p.f[e.from];
          if (f && e.term === p.term) {
            if (e.success || (e.msg === "InstallSnapshotResponse" && !e.refused)) { f[2] = true; f[1] = Math.max(f[1], e.match_index || 0); f[0] = Math.max(f[0], f[1] + 1); }
            else f[2] = false;
          }
        }
        if (e.msg === "AppendEntries" || e.msg === "InstallSnapshot") {
          const j = index.get(e.to);
          const n = s.nodes[j];
          if (n.up && e.term >= n.term) { n.resetT = e.t_ms; return j; }
        }
        return -1;
      }
      case "partition": {
        s.cut = new Set();
        const group = new Map();
        e.groups.forEach((g, k) => g.forEach((name) => group.set(name, k)));
        for (const a of index.keys()) for (const b of index.keys()) {
          if (a !== b && (!group.has(a) || group.get(a) !== group.get(b))) s.cut.add(a + ">" + b);
        }
        return -1;
      }
      case "isolate":
        for (const other of index.keys()) if (other !== e.node) { s.cut.add(e.node + ">" + other); s.cut.add(other + ">" + e.node); }
        return -1;
      case "cut": if (e.from !== e.to) s.cut.add(e.from + ">" + e.to); return -1;
      case "heal":
        if (e.link) { s.cut.delete(e.link[0] + ">" + e.link[1]); s.cut.delete(e.link[1] + ">" + e.link[0]); }
        else if (e.node) { for (const other of index.keys()) { s.cut.delete(e.node + ">" + other); s.cut.delete(other + ">" + e.node); } }
        else s.cut = new Set();
        return -1;
      case "transfer": s.transfer = { from: e.from, to: e.node }; return -1;
      case "transfer_done": case "transfer_abort": s.transfer = null; return -1;
      case "violation": s.violation = e; return -1;
      default: return -1;
    }
  }

  function groupsOf(names, cut) { // servers joined by links that work at least one way, chained; in node order
    if (!cut.size) return [names.slice()];
    const parent = names.map((_, i) => i); // union-find; every root is the first of its group
    const root = (i) => { while (parent[i] !== i) i = parent[i]; return i; };
    for (let a = 0; a < names.length; a++) for (let b = a + 1; b < names.length; b++) {
      if (!cut.has(names[a] + ">" + names[b]) || !cut.has(names[b] + ">" + names[a])) {
        const ra = root(a), rb = root(b);
        if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
      }
    }
    const groups = new Map();
    names.forEach((n, i) => { const r = root(i); if (!groups.has(r)) groups.set(r, []); groups.get(r).push(n); });
    return Array.from(groups.values());
  }

  // The membership of a server in a configuration: voter, learner, leaving (a voter of the old half only, in joint
  // consensus), removed (started, and no longer in it), spare (not yet started: no member yet).
  function membership(cfg, name, node) {
    if (cfg.voters.includes(name)) return "voter";
    if (cfg.outgoing.includes(name)) return "leaving";
    if (cfg.learners.includes(name)) return "learner";
    return node.started ? "removed" : "spare";
  }

  return { KEYFRAME, DROP_SHOW_MS, upperBound, lowerBound, decode, describe, configWords, initialState, Model, applyEvent, groupsOf, membership };
})();
