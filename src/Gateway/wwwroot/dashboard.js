// MachineGrid dashboard: plain JavaScript, no libraries, nothing loaded from elsewhere.
// Data comes from the REST API with the signed-in key; the server decides access. The page only hides buttons
// the API's access fields say would be refused. Live updates arrive as Server-Sent Events from /api/v1/events.
'use strict';

(() => {
  const KEY = 'machinegrid.apiKey';
  const MANAGE = ['Owner', 'CoOwner'];
  const ENDED = ['Succeeded', 'Failed', 'Cancelled', 'TimedOut'];
  const STATUSES = ['Queued', 'Assigned', 'Running', ...ENDED];
  const PRIORITIES = ['High', 'Normal', 'Low'];
  const MAX_QUEUE_ROWS = 200;
  const $ = (id) => document.getElementById(id);

  // ---- small helpers ---------------------------------------------------------------------------------------------

  /** Creates an element; strings become text nodes, so data never becomes markup. */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
      else if (name === 'class') el.className = value;
      else el.setAttribute(name, value === true ? '' : value);
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  const svg = (tag, attrs) => {
    const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [name, value] of Object.entries(attrs || {})) el.setAttribute(name, value);
    return el;
  };

  const time = (iso) => (iso ? new Date(iso).toLocaleTimeString() : '—');
  const dateTime = (iso) => (iso ? new Date(iso).toLocaleString() : '—');
  const num = (n, digits = 0) => (n === null || n === undefined ? '—' : Number(n).toLocaleString(undefined, { maximumFractionDigits: digits, minimumFractionDigits: digits }));
  const ago = (iso) => {
    if (!iso) return 'never';
    const s = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
    return s < 90 ? `${s} s ago` : s < 5400 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
  };
  const duration = (seconds) => {
    const s = Math.round(seconds);
    const d = Math.floor(s / 86400), hh = Math.floor((s % 86400) / 3600), mm = Math.floor((s % 3600) / 60);
    return d ? `${d}d ${hh}h` : hh ? `${hh}h ${mm}m` : mm ? `${mm}m ${s % 60}s` : `${s}s`;
  };
  const badge = (text) => h('span', { class: `badge ${text}` }, text);
  const canManage = (access) => MANAGE.includes(access);

  /** Runs fn at most once per `ms`, always running the last call (trailing). */
  function throttle(fn, ms) {
    let timer = null, again = false;
    const run = () => {
      timer = setTimeout(() => { timer = null; if (again) { again = false; run(); } }, ms);
      Promise.resolve(fn()).catch(showError);
    };
    return () => { if (timer) again = true; else run(); };
  }

  let toastTimer = null;
  function toast(message, isError) {
    const el = $('toast');
    el.textContent = message;
    el.className = isError ? 'toast error' : 'toast';
    el.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { el.hidden = true; }, 5000);
  }

  function showError(error) {
    if (error && error.status === 401) return;
    toast(error && error.message ? error.message : String(error), true);
  }

  // ---- API -------------------------------------------------------------------------------------------------------

  const session = {
    get key() { return sessionStorage.getItem(KEY); },
    set key(value) { if (value) sessionStorage.setItem(KEY, value); else sessionStorage.removeItem(KEY); },
    me: null,
  };

  class ApiError extends Error {
    constructor(status, problem) {
      super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
      this.status = status;
      this.code = problem && problem.code;
    }
  }

  async function api(method, path, body, key) {
    const headers = { Authorization: `Bearer ${key || session.key}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(`/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
    if (response.status === 401 && !key) {
      signOut('Your key is no longer accepted; sign in again.');
    }
    if (!response.ok) {
      let problem = null;
      try { problem = await response.json(); } catch { /* not JSON */ }
      throw new ApiError(response.status, problem);
    }
    return response.status === 204 ? null : response.json();
  }

  const get = (path) => api('GET', path);
  const query = (params) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
    const s = q.toString();
    return s ? `?${s}` : '';
  };

  /** Every page of a list, up to `max` items. */
  async function all(path, max = 2000) {
    const items = [];
    let cursor = null;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const page = await get(`${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      items.push(...page.items);
      cursor = page.next;
    } while (cursor && items.length < max);
    return items;
  }

  // ---- live events -----------------------------------------------------------------------------------------------

  const live = {
    source: null,
    retry: null,
    delay: 1000,
    connected: false,
    async connect() {
      this.close();
      if (!session.key) return;
      try {
        // The ticket comes back as an HttpOnly cookie scoped to the stream, so no secret is put in a URL.
        await api('POST', '/events/ticket');
      } catch (error) {
        this.schedule();
        return;
      }
      const source = new EventSource('/api/v1/events');
      this.source = source;
      source.addEventListener('ready', () => {
        this.delay = 1000;
        const reconnected = this.connected;
        this.connected = true;
        setLive(true);
        if (reconnected && current && current.refresh) Promise.resolve(current.refresh()).catch(showError);
      });
      source.addEventListener('changes', (e) => current && current.onChanges && current.onChanges(JSON.parse(e.data)));
      source.addEventListener('stats', (e) => current && current.onStats && current.onStats(JSON.parse(e.data)));
      source.addEventListener('end', () => { this.delay = 0; this.schedule(); });
      source.onerror = () => { setLive(false); this.schedule(); };
    },
    schedule() {
      this.close();
      if (!session.key) return;
      const wait = this.delay;
      this.delay = Math.min(Math.max(this.delay * 2, 1000), 15000);
      this.retry = setTimeout(() => this.connect(), wait);
    },
    close() {
      clearTimeout(this.retry);
      this.retry = null;
      if (this.source) { this.source.close(); this.source = null; }
    },
    stop() { this.close(); this.connected = false; setLive(false); },
  };

  function setLive(on) {
    const el = $('live');
    el.hidden = !session.key;
    el.dataset.state = on ? 'on' : 'off';
    el.textContent = on ? 'live' : 'reconnecting';
  }

  // ---- sign-in ---------------------------------------------------------------------------------------------------

  async function signIn(event) {
    event.preventDefault();
    const input = $('api-key');
    const key = input.value.trim();
    input.value = '';
    $('sign-in-error').textContent = '';
    try {
      session.me = await api('GET', '/me', undefined, key);
      session.key = key;
      start();
    } catch (error) {
      $('sign-in-error').textContent = error.status === 401 ? 'That key was not accepted.' : error.message;
    }
  }

  function signOut(message) {
    session.key = null;
    session.me = null;
    live.stop();
    current = null;
    $('view').replaceChildren();
    $('view').hidden = true;
    $('nav').hidden = true;
    $('sign-out').hidden = true;
    $('live').hidden = true;
    $('who').textContent = '';
    $('sign-in').hidden = false;
    $('sign-in-error').textContent = typeof message === 'string' ? message : '';
  }

  async function start() {
    if (!session.me) {
      try { session.me = await get('/me'); } catch { signOut(); return; }
    }
    $('sign-in').hidden = true;
    $('nav').hidden = false;
    $('view').hidden = false;
    $('sign-out').hidden = false;
    $('who').textContent = `${session.me.name}${isAdmin() ? ' · Environment Admin' : ''}`;
    setLive(false);
    live.connect();
    route();
  }

  const isAdmin = () => !!(session.me && session.me.roles.includes('EnvironmentAdmin'));

  // ---- routing ---------------------------------------------------------------------------------------------------

  let current = null;

  function route() {
    if (!session.key) { signOut(); return; }
    const [path, search] = (location.hash.replace(/^#/, '') || '/overview').split('?');
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    const params = new URLSearchParams(search || '');
    const page = parts[0] || 'overview';
    for (const link of document.querySelectorAll('#nav a')) link.classList.toggle('current', link.dataset.page === page);
    const view = $('view');
    view.replaceChildren();
    view.dataset.page = page;
    current = page === 'groups' && parts[1] ? groupPage(view, parts[1])
      : page === 'groups' ? groupsPage(view)
      : page === 'runs' && parts[1] ? runPage(view, parts[1])
      : page === 'runs' ? runsPage(view, params)
      : page === 'silos' ? silosPage(view)
      : overviewPage(view);
    view.dataset.loaded = 'false';
    Promise.resolve(current.refresh()).then(() => { view.dataset.loaded = 'true'; }).catch(showError);
  }

  // ---- charts ----------------------------------------------------------------------------------------------------

  /** A line chart of samples over time: series are [{ name, value: sample => number|null }]. */
  function chart(samples, series, unit) {
    const width = 600, height = 170, left = 44, bottom = 18, top = 8;
    const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none', role: 'img' });
    const values = samples.flatMap((s) => series.map((line) => line.value(s))).filter((v) => v !== null && v !== undefined);
    const max = Math.max(1, ...values) * 1.1;
    const span = Math.max(1, samples.length - 1);
    const x = (i) => left + ((width - left - 4) * i) / span;
    const y = (v) => top + (height - top - bottom) * (1 - v / max);
    root.append(svg('line', { class: 'axis', x1: left, y1: y(0), x2: width - 4, y2: y(0) }));
    root.append(svg('line', { class: 'axis', x1: left, y1: top, x2: left, y2: y(0) }));
    const label = (text, attrs) => { const t = svg('text', attrs); t.textContent = text; root.append(t); };
    label(`${num(max / 1.1, max < 10 ? 1 : 0)} ${unit}`, { x: 2, y: top + 8 });
    label('0', { x: left - 10, y: y(0) });
    if (samples.length) {
      label(time(samples[0].at), { x: left, y: height - 4 });
      label(time(samples[samples.length - 1].at), { x: width - 60, y: height - 4 });
    }
    series.forEach((line, index) => {
      const points = samples.map((s, i) => [i, line.value(s)]).filter(([, v]) => v !== null && v !== undefined);
      if (points.length) root.append(svg('polyline', { class: `series-${index}`, points: points.map(([i, v]) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ') }));
    });
    return h('div', { class: 'chart' }, root, h('div', { class: 'legend' }, series.map((line, i) => h('span', { class: `key-${i}` }, line.name))));
  }

  // ---- pages -----------------------------------------------------------------------------------------------------

  function overviewPage(view) {
    let history = [];
    let stats = null;
    const cards = h('div', { class: 'cards', 'data-testid': 'overview-cards' });
    const runtime = h('div');
    view.append(h('div', { class: 'head' }, h('h1', {}, 'Overview')), cards, runtime);

    const card = (label, value, testid, cls) => h('div', { class: 'card', 'data-testid': testid }, h('div', { class: 'label' }, label), h('div', { class: `value ${cls || ''}` }, value));

    async function loadOverview() {
      const o = await get('/overview');
      cards.replaceChildren(
        card('Groups', num(o.groups), 'groups'),
        card('Machines online', num(o.machines.online), 'machines-online', 'ok'),
        card('Offline', num(o.machines.offline), 'machines-offline', o.machines.offline ? 'bad' : ''),
        card('Maintenance', num(o.machines.maintenance), 'machines-maintenance', o.machines.maintenance ? 'warn' : ''),
        card('Runs queued', num(o.runs.queued), 'runs-queued'),
        card('Runs running', num(o.runs.running), 'runs-running'));
    }

    function renderRuntime() {
      if (!isAdmin()) {
        runtime.replaceChildren(h('p', { class: 'muted' }, 'Runtime statistics (runs per second, latency, grain activations) are shown to Environment Admins.'));
        return;
      }
      if (!stats) return;
      const latest = stats.latest || {};
      runtime.replaceChildren(
        h('div', { class: 'row' },
          h('div', { class: 'panel' }, h('h2', {}, 'Runs per second (last 5 min)'),
            chart(history, [{ name: 'submitted', value: (s) => s.submitted }, { name: 'ended', value: (s) => s.ended }, { name: 'assigned', value: (s) => s.assigned }], '/s')),
          h('div', { class: 'panel' }, h('h2', {}, 'Assignment latency (last 5 min)'),
            chart(history, [{ name: 'mean ms', value: (s) => s.assignmentLatencyMs }, { name: 'max ms', value: (s) => (s.assigned ? s.maxAssignmentLatencyMs : null) }], 'ms'))),
        h('div', { class: 'cards' },
          card('Runs submitted/s', num(latest.submitted, 1), 'rate-submitted'),
          card('Runs ended/s', num(latest.ended, 1), 'rate-ended'),
          card('Grain calls/s', num(latest.callsPerSecond), 'rate-calls'),
          card('Activations', num(latest.activations), 'activations'),
          card('Storage commit', `${num(latest.storageCommitLatencyMs, 2)} ms`, 'storage-latency'),
          card('Commits/s', num(latest.storageCommitsPerSecond, 1), 'storage-commits')),
        h('div', { class: 'panel' }, h('h2', {}, 'Grain types'),
          h('table', { 'data-testid': 'grain-types' },
            h('thead', {}, h('tr', {}, h('th', {}, 'Type'), h('th', { class: 'num' }, 'Activations'), h('th', { class: 'num' }, 'Calls/s'))),
            h('tbody', {}, stats.grainTypes.length ? stats.grainTypes.map((t) => h('tr', {}, h('td', {}, t.grainType), h('td', { class: 'num' }, num(t.activations)), h('td', { class: 'num' }, num(t.callsPerSecond, 1))))
              : h('tr', {}, h('td', { class: 'empty', colspan: 3 }, 'No grain activity yet.'))))));
    }

    const reloadOverview = throttle(loadOverview, 2000);
    return {
      async refresh() {
        const work = [loadOverview()];
        if (isAdmin()) {
          work.push(get('/stats').then((s) => { stats = s; history = s.history; }));
        }
        await Promise.all(work);
        renderRuntime();
      },
      onChanges(c) {
        if (c.groups.length || c.machines.length || c.removedGroups.length || c.removedMachines.length || c.overflow) reloadOverview();
      },
      onStats(s) {
        stats = s;
        if (s.latest && (!history.length || history[history.length - 1].at !== s.latest.at)) {
          history = [...history, s.latest].slice(-300);
        }
        renderRuntime();
      },
    };
  }

  function groupsPage(view) {
    const body = h('tbody');
    const table = h('table', { 'data-testid': 'groups' },
      h('thead', {}, h('tr', {}, ['Name', 'Description', 'Machines', 'Running', 'Queued', 'Access', 'Owner'].map((c, i) => h('th', { class: i >= 2 && i <= 4 ? 'num' : '' }, c)))),
      body);
    view.append(h('div', { class: 'head' }, h('h1', {}, 'Machine groups')), h('div', { class: 'panel' }, table));

    const row = (g) => h('tr', { 'data-group-id': g.id },
      h('td', { 'data-col': 'name' }, h('a', { href: `#/groups/${encodeURIComponent(g.id)}` }, g.name), g.maintenance ? [' ', badge('Maintenance')] : null),
      h('td', { 'data-col': 'description', class: 'muted' }, g.description || ''),
      h('td', { 'data-col': 'machines', class: 'num' }, String(g.machineCount)),
      h('td', { 'data-col': 'running', class: 'num' }, String(g.runningCount)),
      h('td', { 'data-col': 'queued', class: 'num' }, String(g.queuedCount)),
      h('td', { 'data-col': 'access' }, g.access || ''),
      h('td', { 'data-col': 'owner' }, g.owner ? g.owner.name : ''));

    const empty = () => { if (!body.querySelector('tr[data-group-id]')) body.replaceChildren(h('tr', {}, h('td', { class: 'empty', colspan: 7 }, 'No groups you can see.'))); };
    const load = async () => {
      const groups = await all('/groups');
      body.replaceChildren(...groups.map(row));
      empty();
    };
    const reload = throttle(load, 1000);
    return {
      refresh: load,
      onChanges(c) {
        if (c.overflow) { reload(); return; }
        for (const g of c.groups) {
          const existing = body.querySelector(`tr[data-group-id="${CSS.escape(g.id)}"]`);
          if (existing) existing.replaceWith(row(g));
          else { body.querySelector('td.empty')?.parentElement.remove(); body.append(row(g)); }
        }
        for (const id of c.removedGroups) body.querySelector(`tr[data-group-id="${CSS.escape(id)}"]`)?.remove();
        empty();
      },
    };
  }

  function groupPage(view, groupId) {
    let group = null;
    const machines = new Map();
    const header = h('div');
    const machineBody = h('tbody');
    const queueBody = h('tbody');
    view.append(header,
      h('div', { class: 'panel' }, h('h2', {}, 'Machines'),
        h('table', { 'data-testid': 'machines' },
          h('thead', {}, h('tr', {}, ['Machine', 'Status', 'Sessions (user → run)', 'Last heartbeat', 'Agent', ''].map((c) => h('th', {}, c)))),
          machineBody)),
      h('div', { class: 'panel' }, h('h2', {}, 'Queue (assignment order)'),
        h('table', { 'data-testid': 'queue' },
          h('thead', {}, h('tr', {}, ['#', 'Run', 'Priority', 'Enqueued', 'Why it waits', ''].map((c) => h('th', {}, c)))),
          queueBody)));

    async function act(work, done) {
      try { await work(); if (done) toast(done); } catch (error) { showError(error); }
    }

    function renderHeader() {
      const g = group;
      header.replaceChildren(
        h('div', { class: 'head' },
          h('h1', { 'data-testid': 'group-name' }, g.name),
          g.maintenance ? badge('Maintenance') : null,
          h('span', { class: 'muted' }, g.description || ''),
          h('span', { class: 'spacer' }),
          canManage(g.access) ? h('button', {
            type: 'button', class: 'secondary action-maintenance', 'data-testid': 'group-maintenance',
            onclick: () => act(async () => { group = await api('PATCH', `/groups/${encodeURIComponent(groupId)}`, { maintenance: !g.maintenance }); renderHeader(); }),
          }, g.maintenance ? 'End group maintenance' : 'Group maintenance') : null),
        h('div', { class: 'cards' },
          h('div', { class: 'card', 'data-testid': 'group-machines' }, h('div', { class: 'label' }, 'Machines'), h('div', { class: 'value' }, String(g.machineCount))),
          h('div', { class: 'card', 'data-testid': 'group-running' }, h('div', { class: 'label' }, 'Running'), h('div', { class: 'value' }, String(g.runningCount))),
          h('div', { class: 'card', 'data-testid': 'group-queued' }, h('div', { class: 'label' }, 'Queued'), h('div', { class: 'value' }, String(g.queuedCount))),
          h('div', { class: 'card' }, h('div', { class: 'label' }, 'Your access'), h('div', { class: 'value', 'data-testid': 'group-access' }, g.access || '—')),
          h('div', { class: 'card' }, h('div', { class: 'label' }, 'Owner'), h('div', { class: 'value' }, g.owner ? g.owner.name : ''))));
    }

    const machineRow = (m) => h('tr', { 'data-machine-id': m.id },
      h('td', {}, m.name, h('div', { class: 'muted mono' }, m.id)),
      h('td', { 'data-col': 'status' }, badge(m.status)),
      h('td', {}, m.sessions.length ? h('ul', { class: 'sessions' }, m.sessions.map((s) => h('li', {}, s.user, ' → ', s.runId ? h('a', { href: `#/runs/${encodeURIComponent(s.runId)}`, class: 'mono' }, s.runId) : h('span', { class: 'muted' }, 'idle'))))
        : h('span', { class: 'muted' }, `no sessions (${m.maxSessions} max)`)),
      h('td', { 'data-heartbeat': m.lastHeartbeat || '' }, ago(m.lastHeartbeat)),
      h('td', {}, m.agentVersion, h('div', { class: 'muted' }, m.os)),
      h('td', {}, canManage(m.access) ? h('button', {
        type: 'button', class: 'small secondary action-maintenance', 'data-testid': 'machine-maintenance',
        onclick: () => act(async () => {
          const updated = await api('PATCH', `/machines/${encodeURIComponent(m.id)}`, { maintenance: m.status !== 'Maintenance' });
          showMachine(updated);
        }),
      }, m.status === 'Maintenance' ? 'End maintenance' : 'Maintenance') : null));

    function showMachine(m) {
      if (m.groupId !== groupId) { machines.delete(m.id); machineBody.querySelector(`tr[data-machine-id="${CSS.escape(m.id)}"]`)?.remove(); return; }
      machines.set(m.id, m);
      const existing = machineBody.querySelector(`tr[data-machine-id="${CSS.escape(m.id)}"]`);
      if (existing) existing.replaceWith(machineRow(m)); else { machineBody.querySelector('td.empty')?.parentElement.remove(); machineBody.append(machineRow(m)); }
    }

    async function loadMachines() {
      const members = await get(`/groups/${encodeURIComponent(groupId)}/machines`);
      const ids = members.items.map((m) => m.machineId);
      const views = await Promise.all(ids.map((id) => get(`/machines/${encodeURIComponent(id)}`).catch(() => null)));
      machines.clear();
      for (const m of views) if (m) machines.set(m.id, m);
      const rows = [...machines.values()].sort((a, b) => a.name.localeCompare(b.name)).map(machineRow);
      machineBody.replaceChildren(...(rows.length ? rows : [h('tr', {}, h('td', { class: 'empty', colspan: 6 }, 'No machines in this group.'))]));
    }

    const queueRow = (q) => {
      const manage = group && canManage(group.access);
      const runPath = `/runs/${encodeURIComponent(q.runId)}`;
      return h('tr', { 'data-run-id': q.runId },
        h('td', { class: 'num' }, String(q.position)),
        h('td', {}, h('a', { href: `#${runPath}`, class: 'mono' }, q.runId)),
        h('td', {}, manage ? h('select', {
          class: 'action-priority', 'aria-label': 'Priority',
          onchange: (e) => act(async () => { await api('PATCH', runPath, { priority: e.target.value }); await loadQueue(); }, 'Priority changed.'),
        }, PRIORITIES.map((p) => h('option', { value: p, selected: p === q.priority }, p))) : q.priority),
        h('td', { class: 'nowrap' }, time(q.enqueuedAt)),
        h('td', { class: 'wait-reason' }, q.waitReason),
        h('td', {}, manage ? h('div', { class: 'actions' },
          h('button', { type: 'button', class: 'small secondary action-top', onclick: () => act(async () => { await api('POST', `${runPath}/move-to-top`); await loadQueue(); }, 'Moved to the top.') }, 'Move to top'),
          h('button', { type: 'button', class: 'small danger action-cancel', onclick: () => act(async () => { await api('POST', `${runPath}/cancel`); await loadQueue(); }, 'Run cancelled.') }, 'Cancel')) : null));
    };

    async function loadQueue() {
      const queue = await get(`/groups/${encodeURIComponent(groupId)}/queue`);
      const shown = queue.items.slice(0, MAX_QUEUE_ROWS).map(queueRow);
      if (queue.items.length > MAX_QUEUE_ROWS) {
        shown.push(h('tr', {}, h('td', { class: 'empty', colspan: 6 }, `… and ${num(queue.items.length - MAX_QUEUE_ROWS)} more behind these.`)));
      }
      queueBody.replaceChildren(...(shown.length ? shown : [h('tr', {}, h('td', { class: 'empty', colspan: 6 }, 'Nothing is waiting.'))]));
    }

    async function load() {
      try {
        group = await get(`/groups/${encodeURIComponent(groupId)}`);
      } catch (error) {
        header.replaceChildren(h('div', { class: 'head' }, h('h1', {}, 'Group not available')), h('p', { class: 'error' }, error.message));
        machineBody.replaceChildren();
        queueBody.replaceChildren();
        return;
      }
      renderHeader();
      await Promise.all([loadMachines(), loadQueue()]);
    }

    const reloadQueue = throttle(loadQueue, 500);
    const reloadMachines = throttle(loadMachines, 1000);
    const tick = setInterval(() => {
      if (!view.isConnected) { clearInterval(tick); return; }
      for (const cell of machineBody.querySelectorAll('td[data-heartbeat]')) cell.textContent = ago(cell.dataset.heartbeat || null);
    }, 1000);

    return {
      refresh: load,
      onChanges(c) {
        if (c.overflow) { load().catch(showError); return; }
        if (c.removedGroups.includes(groupId)) { load().catch(showError); return; }
        const changed = c.groups.find((g) => g.id === groupId);
        if (changed) {
          const membersChanged = !group || changed.machineCount !== machines.size;
          group = changed;
          renderHeader();
          reloadQueue();
          if (membersChanged) reloadMachines();
        } else if (c.runGroups.includes(groupId)) {
          reloadQueue();
        }
        for (const m of c.machines) if (m.groupId === groupId || machines.has(m.id)) showMachine(m);
        for (const id of c.removedMachines) if (machines.has(id)) { machines.delete(id); machineBody.querySelector(`tr[data-machine-id="${CSS.escape(id)}"]`)?.remove(); }
      },
    };
  }

  function runsPage(view, params) {
    const filter = { groupId: params.get('group') || '', machineId: params.get('machine') || '', status: params.get('status') || '' };
    const groupSelect = h('select', { name: 'group' }, h('option', { value: '' }, 'All I may see'));
    const machineInput = h('input', { name: 'machine', placeholder: 'machine id', value: filter.machineId, spellcheck: 'false' });
    const statusSelect = h('select', { name: 'status' }, h('option', { value: '' }, 'Any'), STATUSES.map((s) => h('option', { value: s, selected: s === filter.status }, s)));
    const body = h('tbody');
    let next = null;
    const more = h('button', { type: 'button', class: 'secondary', hidden: true, onclick: () => loadMore().catch(showError) }, 'Load more');
    const apply = (e) => {
      e.preventDefault();
      location.hash = `#/runs${query({ group: groupSelect.value, machine: machineInput.value.trim(), status: statusSelect.value })}`;
    };
    view.append(
      h('div', { class: 'head' }, h('h1', {}, 'Runs'), h('span', { class: 'muted' }, isAdmin() ? '' : 'Without a group or machine you see the runs you submitted.')),
      h('form', { class: 'filters', onsubmit: apply },
        h('label', {}, 'Group', groupSelect), h('label', {}, 'Machine', machineInput), h('label', {}, 'Status', statusSelect),
        h('button', { type: 'submit' }, 'Filter')),
      h('div', { class: 'panel' },
        h('table', { 'data-testid': 'runs' },
          h('thead', {}, h('tr', {}, ['Run', 'Status', 'Reason', 'Flow', 'Group', 'Machine', 'Priority', 'Enqueued', 'Ended'].map((c) => h('th', {}, c)))),
          body),
        more));

    const row = (r) => h('tr', { 'data-run-id': r.id },
      h('td', {}, h('a', { href: `#/runs/${encodeURIComponent(r.id)}`, class: 'mono' }, r.id)),
      h('td', {}, badge(r.status)),
      h('td', { class: 'muted' }, r.statusReason),
      h('td', {}, r.flowId),
      h('td', {}, r.groupId ? h('a', { href: `#/groups/${encodeURIComponent(r.groupId)}`, class: 'mono' }, r.groupId) : '—'),
      h('td', { class: 'mono' }, r.machineId || '—'),
      h('td', {}, r.priority),
      h('td', {}, time(r.enqueuedAt)),
      h('td', {}, time(r.endedAt)));

    const path = () => `/runs${query({ groupId: filter.groupId, machineId: filter.machineId, status: filter.status })}`;
    async function load() {
      const page = await get(`${path()}${path().includes('?') ? '&' : '?'}limit=100`);
      next = page.next;
      body.replaceChildren(...(page.items.length ? page.items.map(row) : [placeholder()]));
      more.hidden = !next;
    }
    // A status filter reads a bounded number of runs per page, so a page may be empty and still have a next one.
    const placeholder = () => h('tr', { class: 'placeholder' }, h('td', { class: 'empty', colspan: 9 },
      next ? 'None among the newest runs read so far; Load more reads older ones.' : 'No runs match.'));
    async function loadMore() {
      if (!next) return;
      const page = await get(`${path()}${path().includes('?') ? '&' : '?'}limit=100&cursor=${encodeURIComponent(next)}`);
      next = page.next;
      body.querySelector('tr.placeholder')?.remove();
      body.append(...page.items.map(row));
      if (!body.children.length) body.append(placeholder());
      more.hidden = !next;
    }
    const reload = throttle(load, 500);
    return {
      async refresh() {
        const groups = await all('/groups').catch(() => []);
        groupSelect.replaceChildren(h('option', { value: '' }, 'All I may see'), groups.map((g) => h('option', { value: g.id, selected: g.id === filter.groupId }, g.name)));
        await load();
      },
      onChanges(c) {
        const relevant = c.overflow
          || (filter.groupId ? c.runGroups.includes(filter.groupId) : c.runGroups.length > 0 || c.runMachines.length > 0);
        if (relevant) reload();
      },
    };
  }

  function runPage(view, runId) {
    let run = null;
    let groupAccess = null;
    const body = h('div');
    view.append(body);
    const path = `/runs/${encodeURIComponent(runId)}`;

    async function act(work, done) {
      try { await work(); toast(done); await load(); } catch (error) { showError(error); }
    }

    function render() {
      const r = run;
      const steps = [['Queued', r.enqueuedAt], ['Assigned', r.assignedAt], ['Started', r.startedAt], ['Ended', r.endedAt]];
      const queued = r.status === 'Queued';
      const ended = ENDED.includes(r.status);
      // Who may change a run (the server decides again): admins, its submitter, and co-owners of its group.
      const manage = isAdmin() || (r.submittedBy && r.submittedBy.id === session.me.id) || canManage(groupAccess);
      body.replaceChildren(
        h('div', { class: 'head' },
          h('h1', {}, 'Run ', h('span', { class: 'mono' }, r.id)), badge(r.status), h('span', { class: 'muted', 'data-testid': 'run-reason' }, r.statusReason),
          h('span', { class: 'spacer' }),
          manage && queued ? h('select', { class: 'action-priority', 'aria-label': 'Priority', onchange: (e) => act(() => api('PATCH', path, { priority: e.target.value }), 'Priority changed.') },
            PRIORITIES.map((p) => h('option', { value: p, selected: p === r.priority }, p))) : null,
          manage && queued ? h('button', { type: 'button', class: 'secondary action-top', onclick: () => act(() => api('POST', `${path}/move-to-top`), 'Moved to the top.') }, 'Move to top') : null,
          !manage || ended ? null : h('button', { type: 'button', class: 'danger action-cancel', onclick: () => act(() => api('POST', `${path}/cancel`), 'Run cancelled.') }, 'Cancel run')),
        h('div', { class: 'panel' }, h('h2', {}, 'Timeline'),
          h('div', { class: 'timeline', 'data-testid': 'timeline' }, steps.map(([name, at]) => h('div', { class: `step ${at ? 'done' : ''}` }, h('div', { class: 'name' }, name), h('div', { class: 'at' }, dateTime(at)))))),
        h('div', { class: 'panel' }, h('h2', {}, 'Details'),
          h('dl', { class: 'facts' },
            h('dt', {}, 'Flow'), h('dd', {}, r.flowId, ' (', r.runMode, ')'),
            h('dt', {}, 'Group'), h('dd', {}, r.groupId ? h('a', { href: `#/groups/${encodeURIComponent(r.groupId)}`, class: 'mono' }, r.groupId) : '—'),
            h('dt', {}, 'Machine'), h('dd', { class: 'mono', 'data-testid': 'run-machine' }, r.machineId || '—'),
            h('dt', {}, 'Credential'), h('dd', { 'data-testid': 'run-credential' }, r.credential ? `${r.credential.name} (username ${r.credential.username})` : '—'),
            h('dt', {}, 'Priority'), h('dd', {}, r.priority),
            h('dt', {}, 'Attempts'), h('dd', {}, `${r.attempts} of ${r.maxAttempts}`),
            h('dt', {}, 'Reason'), h('dd', {}, r.statusReason),
            r.error ? [h('dt', {}, 'Error'), h('dd', { class: 'error' }, r.error)] : null,
            r.outputs !== null && r.outputs !== undefined ? [h('dt', {}, 'Outputs'), h('dd', {}, h('pre', { class: 'json' }, JSON.stringify(r.outputs, null, 2)))] : null)));
    }

    async function load() {
      try {
        run = await get(path);
        groupAccess = run.groupId ? (await get(`/groups/${encodeURIComponent(run.groupId)}`).catch(() => null))?.access ?? null : null;
      } catch (error) {
        body.replaceChildren(h('div', { class: 'head' }, h('h1', {}, 'Run not available')), h('p', { class: 'error' }, error.message));
        return;
      }
      render();
    }
    const reload = throttle(load, 500);
    return {
      refresh: load,
      onChanges(c) {
        if (!run || c.overflow || (run.groupId && c.runGroups.includes(run.groupId)) || (!run.groupId && run.machineId && c.runMachines.includes(run.machineId))) reload();
      },
    };
  }

  function silosPage(view) {
    const body = h('div');
    view.append(h('div', { class: 'head' }, h('h1', {}, 'Silos')), body);
    function render(stats) {
      body.replaceChildren(h('div', { class: 'panel' },
        h('table', { 'data-testid': 'silos' },
          h('thead', {}, h('tr', {}, ['Silo', 'Addresses', 'Storage', 'Started', 'Uptime', 'Activations', 'Calls/s', 'Event streams'].map((c, i) => h('th', { class: i >= 5 ? 'num' : '' }, c)))),
          h('tbody', {}, stats.silos.map((s) => h('tr', {},
            h('td', {}, s.name), h('td', { class: 'mono' }, s.addresses.join(' ')), h('td', { class: 'mono' }, s.storage),
            h('td', {}, dateTime(s.startedAt)), h('td', {}, duration(s.uptimeSeconds)),
            h('td', { class: 'num' }, num(s.activations)), h('td', { class: 'num' }, num(s.callsPerSecond, 1)), h('td', { class: 'num' }, num(s.eventStreams))))))),
      h('p', { class: 'muted' }, 'One silo until silos form a cluster.'));
    }
    return {
      async refresh() {
        if (!isAdmin()) { body.replaceChildren(h('p', { class: 'muted' }, 'Silo statistics are shown to Environment Admins.')); return; }
        render(await get('/stats'));
      },
      onStats: render,
    };
  }

  // ---- start -----------------------------------------------------------------------------------------------------

  $('sign-in-form').addEventListener('submit', signIn);
  $('sign-out').addEventListener('click', () => signOut());
  window.addEventListener('hashchange', () => { if (session.key) route(); });
  if (session.key) start(); else signOut();
})();
