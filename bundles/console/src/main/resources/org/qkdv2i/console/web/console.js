// QKD-V2I web console: plain JS, no build step. Live data from /api/events (Server-Sent Events).
(function () {
  'use strict';
  const SVG = 'http://www.w3.org/2000/svg';
  const $ = (id) => document.getElementById(id);
  const state = { view: null, links: [], charts: null, chartLinks: '', t: [], skr: {}, pool: {},
    maxPoints: 600, lastSeq: 0, weathers: [], attacks: [] };

  // ---------- formatting ----------
  function rate(bps) {
    if (bps === null || bps === undefined) return '–';
    if (bps < 1e3) return bps.toFixed(0) + ' bit/s';
    if (bps < 1e6) return (bps / 1e3).toFixed(1) + ' kbit/s';
    return (bps / 1e6).toFixed(2) + ' Mbit/s';
  }
  function shortRate(bps) {
    if (bps >= 1e6) return (bps / 1e6).toFixed(1) + 'M';
    if (bps >= 1e3) return (bps / 1e3).toFixed(bps >= 1e4 ? 0 : 1) + 'k';
    return bps.toFixed(0);
  }
  function pct(f) { return f === null || f === undefined ? '–' : (f * 100).toFixed(2) + ' %'; }
  function simClock(iso) { return iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') : '–'; }
  function el(tag, attrs, parent) {
    const e = document.createElementNS(SVG, tag);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function fill(l) { return l.capacity > 0 ? 100 * (l.keysA + l.keysB) / (2 * l.capacity) : null; }

  // ---------- map ----------
  function bounds(v) {
    let xs = [], ys = [];
    v.nodes.forEach(n => { xs.push(n.x); ys.push(n.y); });
    v.rsus.forEach(r => { xs.push(r.x - r.rangeM, r.x + r.rangeM); ys.push(r.y - r.rangeM, r.y + r.rangeM); });
    v.vehicles.forEach(c => { xs.push(c.x); ys.push(c.y); });
    if (!xs.length) { xs = [0, 100]; ys = [0, 100]; }
    const minX = Math.min(...xs), maxX = Math.max(...xs), minY = Math.min(...ys), maxY = Math.max(...ys);
    const m = Math.max(20, 0.06 * Math.max(maxX - minX, maxY - minY));
    return { x: minX - m, y: -(maxY + m), w: (maxX - minX) + 2 * m, h: (maxY - minY) + 2 * m };
  }
  let mapKey = '';
  function drawStatic(v) {
    // nodes, RSUs and link geometry change only with the scenario: drawn once per layout
    const key = v.scenario + '|' + v.nodes.map(n => n.id + n.x + ',' + n.y).join(';') + '|' +
      v.links.map(l => l.id).join(';') + '|' + v.rsus.map(r => r.id).join(';');
    if (key === mapKey) return;
    mapKey = key;
    const svg = $('map');
    const b = bounds(v);
    svg.setAttribute('viewBox', b.x + ' ' + b.y + ' ' + b.w + ' ' + b.h);
    const u = Math.max(b.w / 700, b.h / 460);
    svg.style.setProperty('--u', u);
    const pos = {};
    v.nodes.forEach(n => { pos[n.id] = n; });
    const rl = $('layer-rsus'), ll = $('layer-links'), nl = $('layer-nodes');
    rl.replaceChildren(); ll.replaceChildren(); nl.replaceChildren(); $('layer-vehicles').replaceChildren();
    v.rsus.forEach(r => {
      const g = el('g', { class: 'rsu', id: 'rsu-' + r.id }, rl);
      el('circle', { class: 'range', cx: r.x, cy: -r.y, r: r.rangeM }, g);
      el('rect', { x: r.x - 3 * u, y: -r.y - 3 * u, width: 6 * u, height: 6 * u }, g);
      const t = el('text', { x: r.x + 5 * u, y: -r.y - 5 * u, 'font-size': 8 * u }, g);
      t.textContent = r.id + ' (' + r.radio + ' → ' + r.baseStation + ')';
    });
    v.links.forEach(l => {
      const a = pos[l.a], c = pos[l.b];
      if (!a || !c) return;
      const g = el('g', { class: 'link', id: 'link-' + l.id, 'data-link': l.id }, ll);
      el('line', { x1: a.x, y1: -a.y, x2: c.x, y2: -c.y, 'stroke-width': 3.5 * u }, g);
      const t = el('text', { x: (a.x + c.x) / 2, y: -(a.y + c.y) / 2 - 4 * u, 'text-anchor': 'middle',
        'font-size': 9 * u, 'stroke-width': 3 * u }, g);
      t.setAttribute('class', 'label');
      const title = el('title', {}, g);
      title.textContent = l.id;
    });
    v.nodes.forEach(n => {
      const g = el('g', { class: 'node ' + n.kind, id: 'node-' + n.id }, nl);
      if (n.kind === 'BASE_STATION') {
        el('rect', { x: n.x - 8 * u, y: -n.y - 8 * u, width: 16 * u, height: 16 * u, rx: 2 * u }, g);
      } else {
        el('circle', { cx: n.x, cy: -n.y, r: 8 * u }, g);
      }
      const t = el('text', { x: n.x + 10 * u, y: -n.y + 4 * u, 'font-size': 11 * u }, g);
      t.textContent = n.label || n.id;
    });
  }
  function drawLive(v) {
    const u = parseFloat($('map').style.getPropertyValue('--u')) || 1;
    v.links.forEach(l => {
      const g = $('link-' + l.id);
      if (!g) return;
      g.setAttribute('class', 'link state-' + l.state + (l.attack ? ' attacked' : ''));
      g.setAttribute('data-state', l.state);
      g.querySelector('text.label').textContent =
        'SKR ' + rate(l.skrBps) + ' · QBER ' + pct(l.qber) + (l.attack ? ' · Eve: ' + l.attack : '');
      g.querySelector('title').textContent = l.id + ': ' + l.state + ', ' + l.lengthM.toFixed(0) + ' m, loss ' +
        (l.lossDb === null ? '–' : l.lossDb.toFixed(1) + ' dB') + ', keys ' + l.keysA + '/' + l.keysB;
    });
    const vl = $('layer-vehicles');
    const seen = new Set();
    v.vehicles.forEach(c => {
      seen.add('vehicle-' + c.id);
      let g = $('vehicle-' + c.id);
      if (!g) {
        g = el('g', { class: 'vehicle ' + c.radio, id: 'vehicle-' + c.id }, vl);
        el('circle', { cx: 0, cy: 0, r: 5 * u }, g);
        const t = el('text', { x: 6 * u, y: -6 * u, 'font-size': 8 * u }, g);
        t.textContent = c.id;
        el('title', {}, g);
      }
      g.setAttribute('transform', 'translate(' + c.x + ',' + (-c.y) + ')');
      g.setAttribute('data-x', c.x.toFixed(1));
      g.querySelector('title').textContent = c.id + ' ' + c.radio + ', ' + (c.speedMps * 3.6).toFixed(0) +
        ' km/h, RSU ' + (c.rsu || '–') + ', BS ' + (c.baseStation || '–');
    });
    Array.from(vl.children).forEach(g => { if (!seen.has(g.id)) g.remove(); });
  }

  // ---------- header, tables, selects ----------
  function drawText(v) {
    $('scenario-name').textContent = v.scenario;
    $('sim-time').textContent = simClock(v.simTime);
    $('speed').textContent = v.speed;
    $('weather-now').textContent = v.weather + (v.daylight ? ', day' : ', night');
    const t = v.totals;
    $('totals').innerHTML = '';
    [['keys delivered', t.keysDelivered], ['relayed', t.keysRelayed], ['handovers', t.handovers],
      ['V2X messages', t.v2xMessages], ['alarms', t.alarms]].forEach(([k, n]) => {
      const s = document.createElement('span'); s.textContent = k + ' ' + n; $('totals').appendChild(s);
    });
    const lt = $('link-table').tBodies[0];
    lt.replaceChildren();
    v.links.forEach(l => {
      const r = lt.insertRow();
      r.id = 'row-' + l.id;
      [l.id, l.a + '–' + l.b, l.lengthM.toFixed(0) + ' m', l.state, rate(l.skrBps), pct(l.qber),
        l.lossDb === null ? '–' : l.lossDb.toFixed(1) + ' dB', l.keysA + ' / ' + l.keysB + ' (of ' + l.capacity + ')',
        l.relayPaths, l.attack || '–'].forEach(x => { r.insertCell().textContent = x; });
    });
    const at = $('app-table').tBodies[0];
    at.replaceChildren();
    v.apps.forEach(a => {
      const r = at.insertRow();
      [a.id, a.masterSaeId + ' → ' + a.slaveSaeId, a.path.join(' – '), a.status].forEach(x => {
        r.insertCell().textContent = x;
      });
    });
    const ids = v.links.map(l => l.id).join(',');
    if (ids !== state.links.join(',')) {
      state.links = v.links.map(l => l.id);
      document.querySelectorAll('.link-select').forEach(s => {
        const keep = s.value;
        s.replaceChildren();
        state.links.forEach(id => { const o = document.createElement('option'); o.value = o.textContent = id; s.appendChild(o); });
        if (state.links.includes(keep)) s.value = keep;
      });
    }
  }

  // ---------- charts ----------
  const COLORS = ['#1c7ed6', '#e8590c', '#2b8a3e', '#862e9c', '#c92a2a', '#0ca678', '#5f3dc4', '#e67700'];
  function makeCharts() {
    const ids = Object.keys(state.skr);
    if (state.charts) { state.charts.skr.destroy(); state.charts.pool.destroy(); }
    state.chartLinks = ids.join(',');
    const width = Math.max(300, $('chart-skr').clientWidth || 500);
    const series = (unit) => [{}].concat(ids.map((id, i) => ({ label: id, stroke: COLORS[i % COLORS.length],
      width: 1.5, spanGaps: false, value: (u, v) => v === null ? '–' : unit(v) })));
    const axes = (unit) => [{}, { size: 78, values: (u, vals) => vals.map(v => v === null ? '' : unit(v)) }];
    const opts = (unit, axisUnit, yRange) => ({ width: width, height: 220, series: series(unit), axes: axes(axisUnit),
      scales: { x: { time: true }, y: yRange ? { range: yRange } : {} }, legend: { live: true },
      // simulated time is UTC, like the clock in the header
      tzDate: ts => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC') });
    state.charts = {
      skr: new uPlot(opts(rate, shortRate), dataOf(state.skr), $('chart-skr')),
      pool: new uPlot(opts(v => v.toFixed(1) + ' %', v => v.toFixed(0) + ' %', [0, 100]), dataOf(state.pool),
        $('chart-pool')),
    };
  }
  function dataOf(m) { return [state.t].concat(Object.keys(m).map(id => m[id])); }
  function pushSample(v) {
    const t = Date.parse(v.simTime) / 1000;
    if (state.t.length && t < state.t[state.t.length - 1]) { state.t = []; state.skr = {}; state.pool = {}; }
    const ids = v.links.map(l => l.id);
    ids.forEach(id => { if (!state.skr[id]) { state.skr[id] = state.t.map(() => null); state.pool[id] = state.t.map(() => null); } });
    state.t.push(t);
    Object.keys(state.skr).forEach(id => {
      const l = v.links.find(x => x.id === id);
      state.skr[id].push(l ? l.skrBps : null);
      state.pool[id].push(l ? fill(l) : null);
    });
    while (state.t.length > state.maxPoints) {
      state.t.shift();
      Object.keys(state.skr).forEach(id => { state.skr[id].shift(); state.pool[id].shift(); });
    }
    if (typeof uPlot === 'undefined') return;
    if (!state.charts || state.chartLinks !== Object.keys(state.skr).join(',')) makeCharts();
    else { state.charts.skr.setData(dataOf(state.skr)); state.charts.pool.setData(dataOf(state.pool)); }
  }
  async function loadHistory() {
    try {
      const r = await fetch('api/history');
      if (!r.ok) return;
      const h = await r.json();
      state.t = h.t; state.skr = h.skr; state.pool = h.pool;
      state.maxPoints = Math.max(600, h.t.length);
      if (h.t.length && typeof uPlot !== 'undefined') makeCharts();
    } catch (e) { /* charts fill from the live stream */ }
  }

  // ---------- event log ----------
  function logEvent(e) {
    if (e.seq <= state.lastSeq) return;
    state.lastSeq = e.seq;
    const li = document.createElement('li');
    li.value = e.seq;
    li.className = 'k-' + e.kind;
    li.dataset.seq = e.seq;
    li.dataset.kind = e.kind;
    li.textContent = simClock(e.simTime).slice(11) + ' ' + e.kind + ' ' + e.subject + ': ' + e.text;
    const log = $('event-log');
    log.insertBefore(li, log.firstChild);
    while (log.children.length > 300) log.lastChild.remove();
  }
  function logLocal(text) {
    const li = document.createElement('li');
    li.className = 'k-LOCAL'; li.textContent = text;
    $('event-log').insertBefore(li, $('event-log').firstChild);
  }

  // ---------- live stream ----------
  function onView(v) {
    if (!state.view) {
      // the controls start from the city's current weather (later the operator's choice stays)
      $('weather-select').value = v.weather;
      $('daylight').checked = v.daylight;
    }
    state.view = v;
    $('banner').hidden = true;
    drawStatic(v); drawLive(v); drawText(v); pushSample(v);
  }
  function connect() {
    const es = new EventSource('api/events');
    es.onopen = () => { $('connection').textContent = 'live'; $('connection').className = 'conn-on'; };
    es.onerror = () => { $('connection').textContent = 'reconnecting…'; $('connection').className = 'conn-off'; };
    es.addEventListener('view', m => onView(JSON.parse(m.data)));
    es.addEventListener('city', m => logEvent(JSON.parse(m.data)));
    es.addEventListener('gap', m => { const g = JSON.parse(m.data); logLocal(g.missed + ' events were missed while disconnected'); });
    es.addEventListener('status', m => {
      const s = JSON.parse(m.data);
      $('banner').hidden = s.running;
      if (s.running) loadSaes();
    });
  }

  // ---------- controls ----------
  function result(ok, text) {
    const r = $('control-result');
    r.className = ok ? 'ok' : 'err';
    r.textContent = text;
  }
  async function call(method, url, body) {
    const init = { method: method, headers: {} };
    if (body !== undefined) { init.headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
    let r;
    try { r = await fetch(url, init); } catch (e) { result(false, 'console unreachable: ' + e); return null; }
    const text = await r.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
    if (!r.ok) {
      result(false, (data && data.detail ? data.detail : r.statusText) + ' (' + r.status + ')');
      return null;
    }
    return data || {};
  }
  function option(sel, v) { const o = document.createElement('option'); o.value = o.textContent = v; sel.appendChild(o); }
  async function loadSaes() {
    try {
      const r = await fetch('api/saes');
      if (!r.ok) return;
      const ids = await r.json();
      const dl = $('sae-list'); dl.replaceChildren();
      ids.forEach(id => option(dl, id));
    } catch (e) { /* the form still takes typed IDs */ }
  }
  function wire() {
    $('weather-form').addEventListener('submit', async ev => {
      ev.preventDefault();
      const w = $('weather-select').value, d = $('daylight').checked;
      if (await call('POST', 'api/weather', { weather: w, daylight: d })) result(true, 'weather → ' + w + (d ? ', day' : ', night'));
    });
    $('attack-form').addEventListener('submit', async ev => {
      ev.preventDefault();
      const l = $('attack-link').value, a = $('attack-kind').value;
      if (await call('POST', 'api/links/' + encodeURIComponent(l) + '/attack', { attack: a })) result(true, 'Eve attacks ' + l + ' (' + a + ')');
    });
    $('attack-stop').addEventListener('click', async () => {
      const l = $('attack-link').value;
      if (await call('DELETE', 'api/links/' + encodeURIComponent(l) + '/attack')) result(true, 'Eve leaves ' + l);
    });
    $('driver-form').addEventListener('submit', async ev => {
      ev.preventDefault();
      const l = $('driver-link').value;
      result(true, 'updating the driver of ' + l + '…');
      const r = await call('POST', 'api/links/' + encodeURIComponent(l) + '/driver/update');
      if (r) result(true, r.report || ('driver of ' + l + ' updated'));
    });
    $('provision-form').addEventListener('submit', async ev => {
      ev.preventDefault();
      const m = $('master-sae').value.trim(), s = $('slave-sae').value.trim();
      const r = await call('POST', 'api/apps', { masterSaeId: m, slaveSaeId: s });
      if (r) result(r.sameKey, 'app ' + r.appId + ' over ' + r.path.join('–') + ': first key ' + r.keyId +
        (r.sameKey ? ' (same key at both SAEs)' : ' — KEYS DIFFER'));
    });
  }
  // ---------- management: KMM links per node (the shell's qkd:links), disable/enable ----------
  async function loadNodes() {
    let nodes;
    try {
      const r = await fetch('api/nodes');
      if (!r.ok) return;
      nodes = await r.json();
    } catch (e) { return; }
    const body = $('node-table').tBodies[0];
    const rows = [];
    for (const n of nodes) {
      let links = [];
      try { const r = await fetch('api/nodes/' + encodeURIComponent(n.node) + '/links'); if (r.ok) links = await r.json(); } catch (e) { /* next time */ }
      links.forEach(l => rows.push([n, l]));
    }
    body.replaceChildren();
    $('nodes-empty').hidden = rows.length > 0;
    rows.forEach(([n, l]) => {
      const r = body.insertRow();
      r.id = 'mgmt-' + n.node + '-' + l.link;
      [n.node, l.link, l.peer, l.state || '–', rate(l.skrBps), pct(l.qber), l.disabled ? 'disabled' : 'enabled',
        l.reason || ''].forEach(x => { r.insertCell().textContent = x; });
      const c = r.insertCell();
      if (n.linkControl) {
        const b = document.createElement('button');
        b.textContent = l.disabled ? 'Enable' : 'Disable';
        b.className = 'link-toggle';
        b.addEventListener('click', async () => {
          const url = 'api/nodes/' + encodeURIComponent(n.node) + '/links/' + encodeURIComponent(l.link) +
            (l.disabled ? '/enable' : '/disable');
          if (await call('POST', url, l.disabled ? undefined : { reason: 'operator (console)' })) {
            result(true, 'link ' + l.link + ' at ' + n.node + (l.disabled ? ' enabled' : ' disabled') + ' at both ends');
            loadNodes();
          }
        });
        c.appendChild(b);
      } else {
        c.textContent = '–';
      }
    });
  }

  async function init() {
    wire();
    try {
      const s = await (await fetch('api/status')).json();
      state.weathers = s.weathers || []; state.attacks = s.attacks || [];
      state.weathers.forEach(w => option($('weather-select'), w));
      state.attacks.forEach(a => option($('attack-kind'), a));
      $('banner').hidden = s.running;
    } catch (e) { result(false, 'console unreachable'); }
    await loadHistory();
    loadSaes();
    connect();
    loadNodes();
    setInterval(loadNodes, 5000);
  }
  init();
})();
