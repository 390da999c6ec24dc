// phaseflow live viewer: POSTs a sample request and reads the Server-Sent Events with fetch and a
// ReadableStream (EventSource cannot POST), drawing the x0 preview, the route of every step and a
// chart of sigma per step (and of Delta, the local/global disagreement, once steps carry it).
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const COLOURS = { local: '#2a9d8f', global: '#e76f51', pending: '#d9d9d9', delta: '#264653', window: '#f3efe0' };
  // one colour per model of a plan: local models in greens, global ones from red (dearest) to amber, analytic grey
  const MODEL_COLOURS = { local: ['#2a9d8f', '#57cc99', '#80ed99'], global: ['#e76f51', '#f4a261', '#e9c46a', '#b5838d'] };

  let controller = null;     // aborts the running request
  let run = null;            // the running request: schedule, steps seen, route mix
  let routerWindow = null;   // [sigma_lo, sigma_hi] of the transition window, from /v1/models
  let chartQueued = false;

  function authHeaders() {
    const token = $('token').value.trim();
    return token ? { Authorization: 'Bearer ' + token } : {};
  }

  function setStatus(state, text) {
    const s = $('status');
    s.dataset.state = state;
    s.textContent = text;
  }

  async function errorText(res) {
    try {
      const body = await res.json();
      return `${res.status} ${body.error}: ${body.message}`;
    } catch (e) {
      return `${res.status} ${res.statusText}`;
    }
  }

  async function loadModels() {
    try {
      const res = await fetch('v1/models', { headers: authHeaders() });
      if (!res.ok) {
        $('models').textContent = 'models: ' + (await errorText(res));
        return;
      }
      const body = await res.json();
      const served = body.models.filter((m) => m.served).map((m) => `${m.name} (${m.role})`);
      let text = 'models: ' + served.join(', ');
      if (body.router && body.router.window) {
        routerWindow = [body.router.window.sigma_lo, body.router.window.sigma_hi];
        text += ` — transition window sigma ${fmt(routerWindow[0])} to ${fmt(routerWindow[1])}`;
      }
      $('models').textContent = text;
    } catch (e) {
      $('models').textContent = 'models: ' + e.message;
    }
  }

  function fmt(x) {
    return Number(x).toPrecision(3);
  }

  function requestBody() {
    const body = {};
    const ints = { count: 'count', steps: 'steps', seed: 'seed', 'preview-every': 'preview_every' };
    for (const [id, field] of Object.entries(ints)) {
      const v = $(id).value.trim();
      if (v !== '') body[field] = Number(v);
    }
    for (const id of ['mode', 'solver', 'schedule']) body[id] = $(id).value;
    return body;
  }

  async function start(event) {
    event.preventDefault();
    if (controller) controller.abort();
    controller = new AbortController();
    const mine = controller;
    $('run').disabled = true;
    $('stop').disabled = false;
    setStatus('running', 'sending request…');
    let finished = false;
    try {
      const res = await fetch('v1/samples', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream', ...authHeaders() },
        body: JSON.stringify(requestBody()),
        signal: mine.signal,
      });
      if (!res.ok) {
        setStatus('error', 'error: ' + (await errorText(res)));
        return;
      }
      finished = await readEvents(res.body, dispatch);
      if (!finished) setStatus('error', 'error: the stream ended before the request completed');
    } catch (e) {
      if (e.name === 'AbortError') setStatus('cancelled', 'cancelled');
      else setStatus('error', 'error: ' + e.message);
    } finally {
      if (controller === mine) {
        controller = null;
        $('run').disabled = false;
        $('stop').disabled = true;
      }
    }
  }

  // One event of the stream; true when it ends the run.
  function dispatch(name, data) {
    if (name === 'started') onStarted(data);
    else if (name === 'step') onStep(data);
    else if (name === 'image') onImage(data);
    else if (name === 'completed') onCompleted(data);
    else if (name === 'error') onError(data);
    return name === 'completed' || name === 'error';
  }

  // Reads SSE frames ("event: x\ndata: {...}\n\n") and hands each to handle; true once handle says the end came.
  async function readEvents(stream, handle) {
    const reader = stream.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return false;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, '\n');
      let cut;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const parsed = parseFrame(frame);
        if (parsed && handle(parsed.name, parsed.data)) return true;
      }
    }
  }

  function parseFrame(frame) {
    let name = 'message';
    const data = [];
    for (const line of frame.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') name = value;
      else if (field === 'data') data.push(value);
    }
    return data.length ? { name, data: JSON.parse(data.join('\n')) } : null;
  }

  function onStarted(d) {
    const total = d.sigmas.length - 1;
    run = { id: d.request_id, sigmas: d.sigmas, total, steps: [], mix: {}, tiers: modelTiers(d) };
    const strip = $('step-strip');
    strip.replaceChildren();
    for (let i = 0; i < total; i++) {
      const cell = document.createElement('div');
      cell.className = 'step';
      cell.title = `step ${i}: sigma ${fmt(d.sigmas[i])}`;
      strip.appendChild(cell);
    }
    $('finals').replaceChildren();
    $('preview').removeAttribute('src');
    $('preview-caption').textContent = 'x0 estimate';
    updateMix();
    queueChart();
    setStatus('running', `request ${d.request_id}: ${d.request.count} image(s), ${total} steps, mode ${d.request.mode}, models ${d.models.join(', ')}`);
  }

  // Each model of the started event with its route, cost tier and colour, dearest first.
  function modelTiers(d) {
    const list = (d.model_tiers && d.model_tiers.length) ? d.model_tiers.slice()
      : d.models.map((m) => ({ model: m, route: 'global', tier: 'unmeasured' }));
    list.sort((a, b) => (b.relative_cost || 0) - (a.relative_cost || 0));
    const used = { local: 0, global: 0 };
    const tiers = {};
    for (const t of list) {
      const colours = MODEL_COLOURS[t.route] || MODEL_COLOURS.global;
      const colour = t.tier === 'tiny' ? '#8d99ae' : colours[used[t.route]++ % colours.length];
      tiers[t.model] = Object.assign({ colour }, t);
    }
    return tiers;
  }

  function describe(model) {
    const t = run && run.tiers[model];
    if (!t) return model;
    return typeof t.relative_cost === 'number' ? `${model} (${t.route}, ${t.tier}, ${t.relative_cost.toFixed(2)}x)`
      : `${model} (${t.route})`;
  }

  function onStep(d) {
    if (!run) return;
    const cell = $('step-strip').children[d.index];
    const tier = run.tiers[d.model];
    if (cell) {
      cell.className = 'step route-' + d.route;
      cell.dataset.model = d.model;
      if (tier) cell.style.background = tier.colour;
      cell.title = `step ${d.index}: sigma ${fmt(d.sigma)} → ${d.models.map(describe).join(' + ')}`;
    }
    run.steps[d.index] = { sigma: d.sigma, route: d.route, model: d.model, delta: typeof d.delta === 'number' ? d.delta : null };
    run.mix[d.model] = (run.mix[d.model] || 0) + 1;
    if (d.preview) {
      $('preview').src = 'data:image/png;base64,' + d.preview;
      $('preview-caption').textContent = `x0 estimate after step ${d.index + 1}/${run.total} (sigma ${fmt(d.sigma)}, ${describe(d.model)})`;
      if (cell) cell.classList.add('preview-shown');
    }
    setStatus('running', `request ${run.id}: step ${d.index + 1}/${run.total}`);
    updateMix();
    queueChart();
  }

  function onImage(d) {
    const img = document.createElement('img');
    img.className = 'final';
    img.alt = `image ${d.index}`;
    img.dataset.index = d.index;
    img.src = 'data:image/png;base64,' + d.png;
    $('finals').appendChild(img);
  }

  function onCompleted(d) {
    const byModel = d.evaluations_by_model || {};
    const parts = Object.keys(byModel).map((m) => `${describe(m)} ${byModel[m]}`);
    setStatus('completed', `completed: ${d.images} image(s) in ${d.wall_seconds.toFixed(2)} s; model evaluations: `
      + parts.join(', '));
  }

  function onError(d) {
    setStatus('error', `error: ${d.error}: ${d.message}`);
  }

  // One bar segment and one phrase per model, in the order of the plan's tiers (dearest first).
  function updateMix() {
    const bar = $('mix-bar');
    bar.replaceChildren();
    const total = run ? run.total : 0;
    if (!total) {
      $('mix-text').textContent = 'model mix: –';
      return;
    }
    const parts = [];
    for (const model of Object.keys(run.tiers)) {
      const n = run.mix[model] || 0;
      const span = document.createElement('span');
      span.className = 'route-' + run.tiers[model].route;
      span.style.background = run.tiers[model].colour;
      span.style.width = (100 * n / total) + '%';
      span.title = describe(model);
      bar.appendChild(span);
      parts.push(`${n} ${model} (${run.tiers[model].route}, ${run.tiers[model].tier})`);
    }
    $('mix-text').textContent = `model mix: ${parts.join(', ')} of ${total} steps`;
  }

  function queueChart() {
    if (chartQueued) return;
    chartQueued = true;
    requestAnimationFrame(() => {
      chartQueued = false;
      drawChart();
    });
  }

  // Sigma per step on a log axis, dots coloured by route, the transition window shaded; Delta on a
  // right-hand axis when step events carry it.
  function drawChart() {
    const canvas = $('chart');
    const ctx = canvas.getContext('2d');
    const W = canvas.width;
    const H = canvas.height;
    const m = { left: 52, right: 76, top: 30, bottom: 34 };
    ctx.clearRect(0, 0, W, H);
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillStyle = '#6b7378';
    if (!run) {
      ctx.fillText('run a request to see sigma and the route of every step', m.left, H / 2);
      return;
    }
    const sigmas = run.sigmas.slice(0, run.total).filter((s) => s > 0);
    const logs = sigmas.map(Math.log10);
    const lo = Math.floor(Math.min(...logs));
    const hi = Math.ceil(Math.max(...logs));
    const span = Math.max(hi - lo, 1);
    const x = (i) => m.left + (run.total <= 1 ? 0 : i * (W - m.left - m.right) / (run.total - 1));
    const y = (s) => H - m.bottom - (Math.log10(s) - lo) * (H - m.top - m.bottom) / span;

    if (routerWindow) {
      const top = y(Math.min(routerWindow[1], 10 ** hi));
      const bottom = y(Math.max(routerWindow[0], 10 ** lo));
      ctx.fillStyle = COLOURS.window;
      ctx.fillRect(m.left, top, W - m.left - m.right, bottom - top);
      ctx.fillStyle = '#6b7378';
      ctx.fillText('transition window', W - m.right - 100, top + 12);
    }

    // axes and decades
    ctx.strokeStyle = '#c8c8c8';
    ctx.fillStyle = '#6b7378';
    ctx.beginPath();
    for (let d = lo; d <= hi; d++) {
      const yy = y(10 ** d);
      ctx.moveTo(m.left, yy);
      ctx.lineTo(W - m.right, yy);
      ctx.fillText('1e' + d, 8, yy + 4);
    }
    ctx.stroke();
    ctx.fillText('sigma (log scale)', 8, 12);
    ctx.fillText('step', W / 2, H - 8);
    ctx.fillText('0', m.left, H - m.bottom + 14);
    ctx.fillText(String(run.total - 1), W - m.right - 10, H - m.bottom + 14);

    // the schedule, then the steps done in their route's colour
    ctx.strokeStyle = COLOURS.pending;
    ctx.beginPath();
    run.sigmas.slice(0, run.total).forEach((s, i) => {
      if (s <= 0) return;
      if (i === 0) ctx.moveTo(x(i), y(s));
      else ctx.lineTo(x(i), y(s));
    });
    ctx.stroke();
    run.steps.forEach((step, i) => {
      if (!step || step.sigma <= 0) return;
      const tier = run.tiers[step.model];
      ctx.fillStyle = tier ? tier.colour : (COLOURS[step.route] || '#888');
      ctx.beginPath();
      ctx.arc(x(i), y(step.sigma), 3.5, 0, 2 * Math.PI);
      ctx.fill();
    });

    const deltas = run.steps.map((s) => (s ? s.delta : null));
    const known = deltas.filter((d) => d !== null);
    if (known.length) {
      const max = Math.max(...known, 1e-12);
      const yd = (d) => H - m.bottom - d * (H - m.top - m.bottom) / max;
      ctx.strokeStyle = COLOURS.delta;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      let first = true;
      deltas.forEach((d, i) => {
        if (d === null) return;
        if (first) ctx.moveTo(x(i), yd(d));
        else ctx.lineTo(x(i), yd(d));
        first = false;
      });
      ctx.stroke();
      ctx.lineWidth = 1;
      ctx.fillStyle = COLOURS.delta;
      ctx.fillText('Delta ' + fmt(max), W - m.right + 4, m.top + 4);
      ctx.fillText('0', W - m.right + 4, H - m.bottom);
    } else {
      ctx.fillStyle = '#6b7378';
      ctx.fillText('Delta (local vs global): not reported for this run', m.left + 110, 12);
    }
  }

  // for tests and the console: feed events by hand (e.g. steps with "delta" before the engine sends them)
  window.phaseflowViewer = { dispatch };

  $('run-form').addEventListener('submit', start);
  $('stop').addEventListener('click', () => controller && controller.abort());
  $('token').addEventListener('change', loadModels);
  loadModels();
  drawChart();
})();
