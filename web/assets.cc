/// The dashboard's only script and style sheet, embedded in the binary: no
/// front-end build step. The script never evaluates server data as code: it
/// reads URLs from data-* attributes the server escaped, fetches JSON and
/// writes values with textContent.

#include "results/job_state.h"
#include "web/html.h"

namespace labq::web {

const std::string& AppScript() {
  // The set of final states is written from results/job_state's table.
  static const std::string kScript = R"js('use strict';
// Live updates by polling the JSON API about once a second (see web/README).
(function () {
  const POLL_MS = 1000;
  const body = document.body;
  const api = body.dataset.api;
  const live = document.getElementById('live');
  const terminal = new Set([)js" + SqlStateList(IsFinal) +
                                     R"js(]);

  function setText(el, text) {
    if (el && el.textContent !== String(text)) el.textContent = String(text);
  }
  function setState(el, state) {
    if (!el) return;
    setText(el, state);
    el.className = 'state state-' + state;
  }
  function counts(root, data) {
    root.querySelectorAll('[data-count]').forEach(function (td) {
      setText(td, (data.counts && data.counts[td.dataset.count]) || 0);
    });
    setText(root.querySelector('[data-field="total"]'), data.total);
    setText(root.querySelector('[data-field="eta"]'), data.eta);
  }
  async function getJson(url) {
    const r = await fetch(url, {credentials: 'same-origin', cache: 'no-store'});
    if (!r.ok) throw new Error(url + ': HTTP ' + r.status);
    return r.json();
  }

  function updateSweeps(data) {
    let unknown = 0;
    data.sweeps.forEach(function (s) {
      const row = document.querySelector('tr[data-sweep="' + Number(s.id) + '"]');
      if (!row) { unknown++; return; }
      counts(row, s);
    });
    const note = document.getElementById('new-sweeps');
    if (note) note.hidden = unknown === 0;
  }

  function updateSweep(data) {
    const c = document.getElementById('counts');
    if (c) counts(c, data);
    data.jobs.forEach(function (j) {
      const row = document.querySelector('tr[data-job="' + Number(j.id) + '"]');
      if (!row) return;
      setState(row.querySelector('[data-field="state"]'), j.state);
      setText(row.querySelector('[data-field="attempts"]'), j.attempts);
      setText(row.querySelector('[data-field="wall"]'), j.wall);
      setText(row.querySelector('[data-field="error"]'), j.error);
    });
  }

  const followed = {};  // log name -> {pre, offset}
  function logSection(name) {
    if (followed[name]) return followed[name];
    let pre = null;
    document.querySelectorAll('pre[data-step]').forEach(function (p) {
      if (p.dataset.step === name) pre = p;
    });
    if (!pre) {
      const logs = document.getElementById('logs');
      if (!logs) return null;
      const h = document.createElement('h3');
      h.textContent = name;
      pre = document.createElement('pre');
      pre.className = 'log';
      pre.dataset.step = name;
      pre.dataset.offset = '0';
      logs.appendChild(h);
      logs.appendChild(pre);
      const none = document.getElementById('no-logs');
      if (none) none.hidden = true;
    }
    followed[name] = {pre: pre, offset: Number(pre.dataset.offset || 0)};
    return followed[name];
  }
  async function followLogs(job) {
    let behind = false;
    for (const log of job.logs) {
      const f = logSection(log.name);
      if (!f || f.offset >= log.bytes) continue;
      const d = await getJson(api + '/log?step=' + encodeURIComponent(log.name) +
                              '&offset=' + f.offset);
      const atBottom = f.pre.scrollTop + f.pre.clientHeight >= f.pre.scrollHeight - 4;
      f.pre.appendChild(document.createTextNode(d.text));
      f.offset = d.next_offset;
      f.pre.dataset.offset = String(f.offset);
      if (atBottom) f.pre.scrollTop = f.pre.scrollHeight;
      if (f.offset < d.size) behind = true;
    }
    return behind;
  }
  function updateMetrics(job) {
    const tbody = document.querySelector('#metrics tbody');
    if (!tbody || tbody.children.length === job.metrics.length) return;
    tbody.textContent = '';
    job.metrics.forEach(function (m) {
      const tr = document.createElement('tr');
      [m.name, m.display, m.unit].forEach(function (v) {
        const td = document.createElement('td');
        td.textContent = v;
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
    const none = document.getElementById('no-metrics');
    if (none) none.hidden = job.metrics.length > 0;
  }
  function updateRerun(commands) {
    const box = document.getElementById('job-rerun');
    if (!box) return;
    const shown = Array.from(box.children).map(function (p) { return p.textContent; });
    if (shown.join('\n') === commands.join('\n')) return;
    box.textContent = '';
    commands.forEach(function (c) {
      const pre = document.createElement('pre');
      pre.className = 'rerun';
      pre.textContent = c;
      box.appendChild(pre);
    });
  }
  async function updateJob(job) {
    const st = document.getElementById('job-state');
    if (st && st.textContent !== job.state) {
      st.dataset.seen = (st.dataset.seen ? st.dataset.seen + ' ' : '') + job.state;
    }
    setState(st, job.state);
    // Every other cell that changes while a job runs names its JSON field.
    document.querySelectorAll('[data-live]').forEach(function (el) {
      const v = job[el.dataset.live];
      if (v !== undefined && v !== null) setText(el, v);
    });
    updateRerun(job.rerun || []);
    updateMetrics(job);
    const behind = await followLogs(job);
    return !terminal.has(job.state) || behind;  // keep polling?
  }

  async function tick() {
    let again = true;
    try {
      const data = await getJson(api);
      const page = body.dataset.page;
      if (page === 'sweeps') updateSweeps(data);
      else if (page === 'sweep') updateSweep(data);
      else if (page === 'job') again = await updateJob(data);
      setText(live, again ? 'live' : 'final');
      if (live) live.className = 'live';
    } catch (e) {
      setText(live, 'offline, retrying');
      if (live) live.className = 'live offline';
    }
    if (again) setTimeout(tick, POLL_MS);
  }
  if (api) setTimeout(tick, POLL_MS);
})();
)js";
  return kScript;
}

const std::string& AppStyle() {
  static const std::string kStyle = R"css(
body { font: 15px/1.4 system-ui, sans-serif; margin: 0; color: #1b1b1b; background: #fafafa; }
header { background: #203040; color: #fff; padding: 8px 16px; }
header a { color: #fff; font-weight: bold; text-decoration: none; }
main { padding: 12px 16px; }
.live { float: right; font-size: 12px; color: #9fe09f; }
.live.offline { color: #ffb0b0; }
table { border-collapse: collapse; margin: 8px 0 16px; background: #fff; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #eef1f4; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.state { font-weight: 600; }
.state-done, .state-cached { color: #1a7f37; }
.state-running { color: #0550ae; }
.state-failed, .state-timeout { color: #b42318; }
.state-skipped, .state-cancelled { color: #7a5a00; }
pre { background: #fff; border: 1px solid #ddd; padding: 6px; overflow: auto; }
pre.log { max-height: 24em; white-space: pre-wrap; }
nav.filters a { margin-right: 8px; }
nav.filters a.current { font-weight: bold; text-decoration: none; color: inherit; }
.muted { color: #666; }
img.figure { max-width: 48%; border: 1px solid #ddd; background: #fff; margin: 4px; }
)css";
  return kStyle;
}

}  // namespace labq::web
