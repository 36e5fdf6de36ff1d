// quantum-liquid live dashboard: polls /dashboard/api/summary, draws the charts as inline SVG and
// sends sequences to POST /inference. No dependencies; all text goes in through textContent or
// setAttribute, never as markup. When the server requires API keys, the page asks for one (or takes it
// from the URL fragment #key=..., which browsers never send to a server) and keeps it in this tab's
// sessionStorage only, sending it as Authorization: Bearer.
'use strict';
(function () {
  const POLL_MS = 5000;
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const AUTOTEST = new URLSearchParams(window.location.search).get('autotest') === '1';

  const $ = (id) => document.getElementById(id);
  let timer = null;
  let models = [];
  let autotestStarted = false;
  let sampleShown = '';
  let threshold = null;
  const KEY_STORE = 'qlnn-api-key';

  function apiKey() {
    try {
      return sessionStorage.getItem(KEY_STORE) || '';
    } catch (e) {
      return '';
    }
  }

  function rememberKey(k) {
    try {
      if (k) sessionStorage.setItem(KEY_STORE, k);
      else sessionStorage.removeItem(KEY_STORE);
    } catch (e) { /* storage disabled: the key lasts until the page is left */ }
  }

  function withKey(headers) {
    const k = apiKey();
    if (k) headers.Authorization = 'Bearer ' + k;
    return headers;
  }

  // A key in the fragment (#key=...) is stored for this tab and removed from the address bar at once.
  (function keyFromFragment() {
    const m = /(?:^#|&)key=([^&]+)/.exec(window.location.hash);
    if (m) {
      rememberKey(decodeURIComponent(m[1]));
      history.replaceState(null, '', window.location.pathname + window.location.search);
    }
  })();

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function svgEl(tag, attrs, text) {
    const e = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  const isNum = (v) => typeof v === 'number' && Number.isFinite(v);

  function fmt(v, digits) {
    if (!isNum(v)) return '–';
    const a = Math.abs(v);
    if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(2);
    return v.toFixed(digits);
  }
  const ms = (s) => (isNum(s) ? fmt(s * 1000, s * 1000 < 10 ? 2 : 1) + ' ms' : '–');
  const pct = (r) => (isNum(r) ? fmt(r * 100, 2) + ' %' : '–');

  function setStatus(text, bad) {
    const s = $('status');
    s.textContent = text;
    s.className = bad ? 'status bad' : 'status';
  }

  // ---- polling ---------------------------------------------------------------------------------

  async function poll() {
    clearTimeout(timer);
    try {
      const r = await fetch('/dashboard/api/summary', { cache: 'no-store', headers: withKey({ Accept: 'application/json' }) });
      if (r.status === 401 || r.status === 403) {
        const body = await r.json().catch(() => ({}));
        askForKey('HTTP ' + r.status + ': ' + (body.error || r.statusText));
        return;
      }
      if (!r.ok) throw new Error('summary: HTTP ' + r.status);
      $('key-form').hidden = true;
      render(await r.json());
      if (AUTOTEST && !autotestStarted && models.some((m) => m.ready)) {
        autotestStarted = true;
        $('try').requestSubmit();
      }
    } catch (e) {
      setStatus('cannot reach the server: ' + e.message, true);
    } finally {
      timer = setTimeout(poll, POLL_MS);
    }
  }

  function askForKey(why) {
    setStatus((apiKey() ? 'the API key was refused' : 'this server needs an API key with the infer role') + ' (' + why + ')', true);
    $('key-form').hidden = false;
    done('needs key');
  }

  function useKey(ev) {
    ev.preventDefault();
    rememberKey($('api-key').value.trim());
    $('api-key').value = '';
    poll();
  }

  function render(s) {
    models = s.models || [];
    threshold = s.coherence_threshold;
    setStatus('updated ' + new Date(s.generated_at).toLocaleTimeString() + ' · ' + models.length + ' model(s)', false);
    $('window-note').textContent = '(rates over the last ' + fmt(s.window_s, 0) + ' s, sampled every '
      + fmt(s.interval_s, 0) + ' s)';
    renderServer(s.server || {});
    renderTable(models);
    renderCharts(models, s);
    renderModelSelect(models);
  }

  function card(label, value, extra) {
    const c = el('div', { class: 'card' });
    c.append(el('div', { class: 'card-label' }, label), el('div', { class: 'card-value' }, value));
    if (extra) c.append(el('div', { class: 'card-extra' }, extra));
    return c;
  }

  function renderServer(sv) {
    const l = sv.latency_s || {};
    $('server').replaceChildren(
      card('Requests/s', fmt(sv.request_rate, 2), fmt(sv.requests, 0) + ' in the window'),
      card('5xx rate', pct(sv.error_rate)),
      card('Infer request latency p95', ms(l.p95), 'p50 ' + ms(l.p50) + ' · p99 ' + ms(l.p99)),
      card('In flight', fmt(sv.inflight, 0)),
      card('Sessions', fmt(sv.sessions, 0)));
  }

  function renderTable(ms_) {
    const body = $('models').tBodies[0];
    const rows = [];
    for (const m of ms_) {
      const versions = m.versions && m.versions.length ? m.versions : [{ version: '–', state: 'UNLOADED' }];
      versions.forEach((v, i) => {
        const tr = el('tr', { 'data-model': m.name, 'data-version': v.version });
        if (i === 0) {
          tr.append(el('th', { rowspan: versions.length, scope: 'row' }, m.name));
        }
        tr.append(el('td', {}, v.version));
        const state = el('td', {});
        const badge = el('span', { class: 'badge ' + (v.ready ? 'ok' : 'bad') }, v.ready ? 'ready' : String(v.state).toLowerCase());
        if (v.reason) badge.setAttribute('title', v.reason);
        state.append(badge);
        if (v.reason) state.append(el('div', { class: 'reason' }, v.reason));
        tr.append(state, el('td', { class: 'num' }, fmt(v.request_rate, 2)), el('td', { class: 'num' }, pct(v.error_rate)));
        if (i === 0) {
          const l = m.latency_s || {};
          const span = { rowspan: versions.length, class: 'num' };
          tr.append(el('td', span, ms(l.p50)), el('td', span, ms(l.p95)), el('td', span, ms(l.p99)));
          const c = el('td', span, m.quantum ? fmt(m.coherence, 3) : 'n/a');
          if (isNum(m.coherence) && isNum(threshold) && m.coherence < threshold) c.classList.add('bad');
          tr.append(c);
        }
        tr.append(el('td', { class: 'num' }, fmt(v.power_uw, 2)), el('td', { class: 'num' }, fmt(v.energy_uj_per_step, 4)));
        rows.push(tr);
      });
    }
    if (!rows.length) {
      rows.push(el('tr', {}, null));
      rows[0].append(el('td', { colspan: 11 }, 'no models in the repository'));
    }
    body.replaceChildren(...rows);
  }

  // ---- charts ----------------------------------------------------------------------------------

  function renderCharts(ms_, s) {
    const out = [];
    for (const m of ms_) {
      const h = m.history || { t: [] };
      const box = el('section', { class: 'model-charts', 'data-model': m.name });
      box.append(el('h3', {}, m.name + (m.serving_version ? ' (serving version ' + m.serving_version + ')' : ' (not ready)')));
      const grid = el('div', { class: 'chart-grid' });
      grid.append(
        chart('Requests/s', h.t, [{ name: 'req/s', values: h.request_rate }], { digits: 2 }),
        chart('Inference latency (ms)', h.t, [
          { name: 'p50', values: scale(h.p50, 1000) },
          { name: 'p95', values: scale(h.p95, 1000) },
          { name: 'p99', values: scale(h.p99, 1000) }], { digits: 2 }),
        chart('5xx error rate (%)', h.t, [{ name: '5xx %', values: scale(h.error_rate, 100) }], { digits: 1 }),
        chart('Rolling coherence', h.t, [{ name: 'coherence', values: h.coherence }],
          { digits: 2, min: 0, max: 1, threshold: s.coherence_threshold, empty: m.quantum ? 'no requests yet' : 'not a quantum model' }),
        chart('Estimated power (µW)', h.t, [{ name: 'µW', values: h.power_uw }], { digits: 2, empty: 'no estimate' }));
      box.append(grid);
      out.push(box);
    }
    $('charts').replaceChildren(...out);
  }

  function scale(values, k) {
    return (values || []).map((v) => (isNum(v) ? v * k : null));
  }

  function niceMax(v) {
    if (v <= 0) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 2.5, 5, 10]) if (v <= m * p) return m * p;
    return 10 * p;
  }

  // One small line chart: x is time (the samples' own), y from 0 (or opts.min) to a round maximum.
  function chart(title, t, series, opts) {
    const W = 320, H = 130, L = 40, R = 8, T = 10, B = 20;
    t = t || [];
    const fig = el('figure', { class: 'chart' });
    fig.append(el('figcaption', {}, title));
    const svg = svgEl('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': title, class: 'chart-svg' });
    const all = [];
    series.forEach((sr) => (sr.values || []).forEach((v) => { if (isNum(v)) all.push(v); }));
    const t1 = t.length ? t[t.length - 1] : 0;
    const t0 = t.length > 1 ? Math.min(t[0], t1 - 60000) : t1 - 60000;
    const yMin = isNum(opts.min) ? opts.min : 0;
    let yMax = isNum(opts.max) ? opts.max : niceMax(Math.max(...all, yMin));
    if (yMax <= yMin) yMax = yMin + 1;
    const x = (tt) => L + ((tt - t0) / (t1 - t0 || 1)) * (W - L - R);
    const y = (v) => T + (1 - (Math.min(Math.max(v, yMin), yMax) - yMin) / (yMax - yMin)) * (H - T - B);

    svg.append(svgEl('rect', { x: L, y: T, width: W - L - R, height: H - T - B, class: 'plot' }));
    for (const gv of [yMin, (yMin + yMax) / 2, yMax]) {
      svg.append(svgEl('line', { x1: L, x2: W - R, y1: y(gv), y2: y(gv), class: 'grid' }));
      svg.append(svgEl('text', { x: L - 4, y: y(gv) + 3, class: 'axis', 'text-anchor': 'end' }, fmt(gv, opts.digits)));
    }
    const minutes = Math.round((t1 - t0) / 60000);
    svg.append(svgEl('text', { x: L, y: H - 5, class: 'axis' }, '−' + minutes + ' min'));
    svg.append(svgEl('text', { x: W - R, y: H - 5, class: 'axis', 'text-anchor': 'end' }, 'now'));
    if (isNum(opts.threshold)) {
      svg.append(svgEl('line', { x1: L, x2: W - R, y1: y(opts.threshold), y2: y(opts.threshold), class: 'threshold' },
        null));
    }

    let points = 0;
    series.forEach((sr, k) => {
      let d = '';
      let pen = false;
      let last = null;
      (sr.values || []).forEach((v, i) => {
        if (!isNum(v) || i >= t.length) { pen = false; return; }
        d += (pen ? 'L' : 'M') + x(t[i]).toFixed(1) + ' ' + y(v).toFixed(1) + ' ';
        pen = true;
        last = [x(t[i]), y(v), v];
        points++;
      });
      if (!last) return;
      const path = svgEl('path', { d: d.trim(), class: 'line s' + k, 'data-series': sr.name });
      path.append(svgEl('title', {}, sr.name));
      svg.append(path);
      const dot = svgEl('circle', { cx: last[0].toFixed(1), cy: last[1].toFixed(1), r: 2.5, class: 'dot s' + k });
      dot.append(svgEl('title', {}, sr.name + ': ' + fmt(last[2], opts.digits + 1)));
      svg.append(dot);
    });
    if (!points) {
      svg.append(svgEl('text', { x: (L + W - R) / 2, y: (T + H - B) / 2, class: 'empty', 'text-anchor': 'middle' },
        opts.empty || 'no traffic yet'));
    }
    svg.setAttribute('data-rendered', 'true');
    svg.setAttribute('data-points', String(points));
    fig.append(svg);
    if (series.length > 1) {
      const legend = el('div', { class: 'legend' });
      series.forEach((sr, k) => legend.append(el('span', { class: 'key s' + k }, sr.name)));
      fig.append(legend);
    }
    return fig;
  }

  // ---- the form --------------------------------------------------------------------------------

  function sampleSequence(features) {
    const steps = [];
    for (let k = 0; k < 4; k++) {
      const row = [];
      for (let j = 0; j < features; j++) row.push(Math.round(Math.sin(0.9 + 1.3 * j + 0.7 * k) * 100) / 100);
      steps.push(row);
    }
    return '[' + steps.map((r) => JSON.stringify(r)).join(',\n ') + ']';
  }

  function renderModelSelect(ms_) {
    const sel = $('model');
    const ready = ms_.filter((m) => m.ready);
    const names = ready.map((m) => m.name).join('\n');
    if (sel.getAttribute('data-names') !== names) {
      const keep = sel.value;
      sel.replaceChildren(...ready.map((m) => el('option', { value: m.name }, m.name)));
      if (ready.some((m) => m.name === keep)) sel.value = keep;
      else if (ready.some((m) => m.quantum)) sel.value = ready.find((m) => m.quantum).name;
      sel.setAttribute('data-names', names);
      fillSample();
    }
    $('send').disabled = ready.length === 0;
  }

  function fillSample() {
    const m = models.find((x) => x.name === $('model').value);
    const area = $('sequence');
    if (!m || !m.input_features) return;
    if (area.value.trim() === '' || area.value === sampleShown) {
      sampleShown = sampleSequence(m.input_features);
      area.value = sampleShown;
    }
  }

  function showResult(fields, error) {
    $('result').hidden = false;
    $('result-error').hidden = !error;
    $('result-error').textContent = error || '';
    $('result-fields').hidden = !!error;
    $('result-output').textContent = '';
    if (error) return;
    $('result-model').textContent = fields.model + ' version ' + fields.version;
    $('result-coherence').textContent = isNum(fields.quantum_coherence) ? fields.quantum_coherence.toFixed(4) : 'n/a (no circuit)';
    $('result-low').textContent = String(fields.low_coherence);
    $('result-time').textContent = fmt(fields.inference_time_ms, 3) + ' ms';
    $('result-cache').textContent = String(fields.cache_hit);
    const rows = Array.isArray(fields.output) ? fields.output : [];
    $('result-output').textContent = rows
      .map((r, i) => 'step ' + i + ': ' + (Array.isArray(r) ? r : [r]).map((v) => fmt(v, 4)).join('  '))
      .join('\n');
  }

  async function submit(ev) {
    ev.preventDefault();
    let inputs;
    try {
      inputs = JSON.parse($('sequence').value);
      if (!Array.isArray(inputs) || !inputs.length || !inputs.every((r) => Array.isArray(r))) {
        throw new Error('give an array of steps, each an array of numbers: [[0.1, 0.2, 0.3], ...]');
      }
    } catch (e) {
      showResult(null, 'Not a sequence: ' + e.message);
      done('failed: bad sequence');
      return;
    }
    $('send').disabled = true;
    try {
      const r = await fetch('/inference', {
        method: 'POST',
        headers: withKey({ 'Content-Type': 'application/json', Accept: 'application/json' }),
        body: JSON.stringify({ model: $('model').value, inputs: inputs }),
      });
      const body = await r.json().catch(() => ({}));
      if (!r.ok) {
        showResult(null, 'HTTP ' + r.status + ': ' + (body.error || r.statusText));
        done('failed: HTTP ' + r.status);
      } else {
        showResult(body, null);
        done('done');
      }
    } catch (e) {
      showResult(null, 'Request failed: ' + e.message);
      done('failed: ' + e.message);
    } finally {
      $('send').disabled = false;
      poll(); // the request shows in the charts at once
    }
  }

  function done(state) {
    if (AUTOTEST) document.documentElement.setAttribute('data-autotest', state);
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('try').addEventListener('submit', submit);
    $('key-form').addEventListener('submit', useKey);
    $('model').addEventListener('change', fillSample);
    poll();
  });
})();
