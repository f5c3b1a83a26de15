// The page's script. Ids, hashes and reasons come from whoever can submit an experiment or
// write to the topics: every value goes into the page as text (textContent, DOM properties),
// never as markup. The Content-Security-Policy allows only this file as script.
'use strict';

// The page's place, in the address: #experiment=ID&candidate=HASH, the leaderboard's
// by/order/trained/max_params, and compare=ID,ID (all optional), so that a view can be linked.
const place = new URLSearchParams(location.hash.slice(1));
let selected = place.get('experiment');
let candidate = place.get('candidate');
const BOARD_KEYS = ['by', 'order', 'trained', 'max_params'];
const board = Object.fromEntries(BOARD_KEYS.filter(k => place.get(k)).map(k => [k, place.get(k)]));
const compared = new Set((place.get('compare') || '').split(',').filter(Boolean));
let find = place.get('find') || '';
// A lab's list grows for months: the newest experiments that match the search box are shown,
// and the selected and compared ones always.
const SHOWN = 25;
const CHARTS = ['score-params', 'best-score', 'accuracy-flops_syops', 'accuracy-energy_pj'];

const fmt = (v, d) => v == null ? '' : Number(v).toLocaleString('en', {maximumFractionDigits: d});
// Objectives range from percentiles (0..1) and log-determinants to FLOPs counts in the billions.
const score = v => v == null ? '' : fmt(v, Math.abs(v) >= 1000 ? 0 : 4);

/** A table cell holding `text` as text, with an optional class. */
function cell(text, cls) {
  const td = document.createElement('td');
  td.textContent = text == null ? '' : String(text);
  if (cls) td.className = cls;
  return td;
}

// An API that others reach serves reads to its token holders only (docs/api.md): the token is
// asked for once, kept for this tab (sessionStorage, never in the address) and sent as a header.
const TOKEN_KEY = 'autost-api-token';
const token = () => sessionStorage.getItem(TOKEN_KEY);

async function apiFetch(url) {
  const t = token();
  const r = await fetch(url, t ? {headers: {Authorization: 'Bearer ' + t}} : {});
  if (r.status === 401) document.getElementById('token-bar').hidden = false;
  return r;
}

async function getJson(url) {
  const r = await apiFetch(url);
  if (!r.ok) throw new Error(url + ': ' + r.status);
  return r.json();
}

/** A chart: its address as the image's source, or, with a token, fetched with it as a blob. */
function chartImg(url, alt) {
  const img = document.createElement('img');
  img.alt = alt;
  if (!token()) {
    img.src = url;
    return img;
  }
  apiFetch(url).then(r => r.ok ? r.blob() : null).then(b => {
    if (!b) return;
    img.src = URL.createObjectURL(b);
    img.addEventListener('load', () => URL.revokeObjectURL(img.src), {once: true});
  });
  return img;
}

document.getElementById('token-save').addEventListener('click', () => {
  const v = document.getElementById('api-token').value.trim();
  if (v) sessionStorage.setItem(TOKEN_KEY, v); else sessionStorage.removeItem(TOKEN_KEY);
  document.getElementById('api-token').value = '';
  document.getElementById('token-bar').hidden = true;
});

async function refresh() {
  const list = await getJson('/api/experiments');
  document.getElementById('empty').hidden = list.length > 0;
  const newest = [...list].sort((a, b) => (b.created_at_ms || 0) - (a.created_at_ms || 0));
  if (!selected && list.length) selected = newest[0].id;
  const matching = newest.filter(e => !find || e.id.includes(find) || e.phase === find);
  const shown = matching.slice(0, SHOWN);
  shown.push(...newest.filter(e => !shown.includes(e) && (e.id === selected || compared.has(e.id))));
  document.getElementById('exp-count').textContent = `${shown.length} of ${list.length} experiments` +
    (matching.length > SHOWN ? `, the newest ${SHOWN} of ${matching.length} matching: narrow the search to see others` : '');
  const rows = shown.map(e => {
    const tr = document.createElement('tr');
    tr.className = 'exp' + (e.id === selected ? ' sel' : '');
    tr.dataset.id = e.id;
    // What it waits for, in words: a search_done experiment whose trainings nobody takes said nothing.
    const phase = cell(e.waiting_for ? `${e.phase}: waiting for ${e.waiting_for.split(':')[0]}` : e.phase);
    if (e.failure_reason) phase.title = e.failure_reason;
    if (e.waiting_for) { phase.title = 'waiting for ' + e.waiting_for; phase.classList.add('waiting'); }
    const pick = document.createElement('td');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = compared.has(e.id);
    box.title = 'compare side by side';
    box.addEventListener('click', ev => {
      ev.stopPropagation(); // not a selection of the row
      if (box.checked) compared.add(e.id); else compared.delete(e.id);
      go();
    });
    pick.append(box);
    tr.append(
      pick, cell(e.id, 'l'), phase, cell(e.strategy), cell(e.generation), cell(e.candidates_scored),
      cell(score(e.best_score)), cell(e.trained + '/' + e.train_expected));
    tr.addEventListener('click', () => { selected = e.id; candidate = null; go(); });
    return tr;
  });
  document.querySelector('#experiments tbody').replaceChildren(...rows);
  await compare(list.filter(e => compared.has(e.id)));
  if (selected) await detail(selected);
}

/** The experiments ticked in the first column, side by side: figures, then their charts. */
async function compare(experiments) {
  const view = document.getElementById('compare');
  view.hidden = experiments.length < 2;
  if (view.hidden) return;
  const best = await Promise.all(experiments.map(e =>
    getJson(`/api/experiments/${encodeURIComponent(e.id)}/leaderboard?by=accuracy&limit=1`)
      .then(b => b.rows.length ? b.rows[0].test_accuracy : null)
      .catch(() => null)));
  const lines = [
    ['experiment', e => e.id], ['phase', e => e.phase], ['strategy', e => e.strategy],
    ['population', e => e.population], ['generations', e => e.generations], ['seed', e => e.seed],
    ['candidates scored', e => fmt(e.candidates_scored, 0)], ['best score', e => score(e.best_score)],
    ['trained', e => e.trained + '/' + e.train_expected],
    ['best test accuracy', (e, i) => best[i] == null ? 'none trained' : fmt(best[i], 4)]];
  document.querySelector('#compare-table tbody').replaceChildren(...lines.map(([name, value]) => {
    const tr = document.createElement('tr');
    tr.append(cell(name, 'l'), ...experiments.map((e, i) => cell(value(e, i))));
    return tr;
  }));
  const charts = document.getElementById('compare-charts');
  const key = experiments.map(e => e.id).join(',');
  if (charts.dataset.key !== key || Date.now() - (charts.dataset.at || 0) > 10000) {
    charts.dataset.key = key;
    charts.dataset.at = Date.now();
    // One row per chart, one column per experiment (three fit a row).
    charts.replaceChildren(...['best-score', 'accuracy-flops_syops'].flatMap(n => experiments.map(e =>
      chartImg(`/api/experiments/${encodeURIComponent(e.id)}/charts/${n}.png?t=${Date.now()}`, `${n} of ${e.id}`))));
  }
}

async function detail(id) {
  const query = new URLSearchParams({limit: 20, ...board});
  const res = await apiFetch(`/api/experiments/${encodeURIComponent(id)}/leaderboard?${query}`);
  const answer = await res.json();
  document.getElementById('detail').hidden = false;
  document.getElementById('title').textContent = 'Leaderboard: ' + id;
  showControls();
  if (!res.ok) { // a filter the API refuses: say why instead of an empty table
    document.getElementById('board-count').textContent = answer.error || ('error ' + res.status);
    document.querySelector('#leaderboard tbody').replaceChildren();
    return;
  }
  // "score (flops_syops)": the objective's value, also when a column of its own shows the same figure.
  document.getElementById('objective').textContent = answer.objective ? `score (${answer.objective})` : 'score';
  document.getElementById('board-count').textContent =
    `${answer.rows.length} of ${fmt(answer.matching, 0)} matching, by ${answer.by} ${answer.order === 'asc' ? 'ascending' : 'descending'}` +
    (answer.candidates_kept < answer.candidates_scored
      ? `; finished, so ${answer.candidates_kept} of its ${fmt(answer.candidates_scored, 0)} candidates are kept` +
        ' (the best, the trained and each generation\'s best)' : '');
  const rows = answer.rows.map(r => {
    const tr = document.createElement('tr');
    tr.className = 'row' + (r.hash === candidate ? ' sel' : '');
    tr.addEventListener('click', () => { candidate = r.hash; go(); });
    tr.append(
      cell(r.rank), cell(r.hash, 'l hash'), cell(r.depth), cell(r.embed_dim),
      cell((r.mlp_ratios || []).join(','), 'l'), cell((r.num_heads || []).join(','), 'l'),
      cell(fmt(r.params, 0)), cell(fmt(r.flops_syops, 0)), cell(fmt(r.energy_pj / 1e6, 1)),
      cell(score(r.score)),
      cell(r.test_accuracy == null ? '' : fmt(r.test_accuracy, 4)));
    return tr;
  });
  if (!rows.length) {
    const tr = document.createElement('tr');
    const td = cell(answer.matching === 0 && Object.keys(board).length ? 'No candidate matches these filters.'
      : 'No candidate ranked yet.', 'l');
    td.colSpan = 11;
    tr.append(td);
    rows.push(tr);
  }
  document.querySelector('#leaderboard tbody').replaceChildren(...rows);
  await explore(id);
  await candidateView(id, candidate);
  const charts = document.getElementById('charts');
  if (charts.dataset.id !== id || Date.now() - (charts.dataset.at || 0) > 10000) {
    charts.dataset.id = id;
    charts.dataset.at = Date.now();
    charts.replaceChildren(...CHARTS.map(n =>
      chartImg(`/api/experiments/${encodeURIComponent(id)}/charts/${n}.png?t=${Date.now()}`, n)));
  }
}

/** The controls show the leaderboard's query; changing one queries again. */
function showControls() {
  document.getElementById('board-by').value = board.by || 'score';
  document.getElementById('board-order').value = board.order || '';
  document.getElementById('board-trained').checked = board.trained === 'true';
  const max = document.getElementById('board-max-params');
  if (document.activeElement !== max) max.value = board.max_params || '';
}

function setBoard(key, value) {
  if (value) board[key] = value; else delete board[key];
  go();
}

const findBox = document.getElementById('exp-find');
findBox.value = find;
findBox.addEventListener('input', () => { find = findBox.value.trim(); go(); });
document.getElementById('board-by').addEventListener('change', ev => setBoard('by', ev.target.value));
document.getElementById('board-order').addEventListener('change', ev => setBoard('order', ev.target.value));
document.getElementById('board-trained').addEventListener('change', ev => setBoard('trained', ev.target.checked ? 'true' : ''));
document.getElementById('board-max-params').addEventListener('change', ev => setBoard('max_params', ev.target.value.trim()));
document.getElementById('board-controls').addEventListener('submit', ev => ev.preventDefault());
for (const th of document.querySelectorAll('#leaderboard th.sort')) {
  // A second click on the sorted column turns its order round.
  th.addEventListener('click', () => {
    if ((board.by || 'score') === th.dataset.by) board.order = board.order === 'asc' ? 'desc' : 'asc';
    else delete board.order;
    setBoard('by', th.dataset.by);
  });
}

/** Puts the selection in the address (so a view can be linked) and redraws. */
function go() {
  const p = new URLSearchParams();
  if (selected) p.set('experiment', selected);
  if (candidate) p.set('candidate', candidate);
  for (const k of BOARD_KEYS) if (board[k]) p.set(k, board[k]);
  if (compared.size) p.set('compare', [...compared].join(','));
  if (find) p.set('find', find);
  history.replaceState(null, '', '#' + p.toString());
  refresh().catch(console.error);
}

const svg = (name, attrs) => {
  const el = document.createElementNS('http://www.w3.org/2000/svg', name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
};

// What the sorted column plots against params, and how its values read.
const EXPLORE_Y = {
  score: ['score', r => r.score], accuracy: ['test accuracy', r => r.test_accuracy],
  params: ['params', r => r.params], energy_pj: ['energy (uJ)', r => r.energy_pj == null ? null : r.energy_pj / 1e6],
  flops_syops: ['flops_syops', r => r.flops_syops], flops_full: ['flops_full', r => r.flops_full]};
const EXPLORE_LIMIT = 500;
// Axis ends short enough for the margin: 4.73B rather than 4,725,534,887.
const axis = v => Math.abs(v) >= 1e4 ? Number(v).toLocaleString('en', {notation: 'compact', maximumFractionDigits: 2}) : score(v);

/**
 * Up to 500 candidates of the leaderboard's query as points: params across, the sorted column up
 * (test accuracy when sorted by it). The filters apply; trained candidates are green, the
 * evaluator's params front is ringed; hovering a point shows its figures, clicking opens it.
 */
async function explore(id) {
  const box = document.getElementById('explore');
  const key = id + '?' + new URLSearchParams(board) + '#' + candidate;
  if (box.dataset.key === key && Date.now() - (box.dataset.at || 0) < 10000) return;
  box.dataset.key = key;
  box.dataset.at = Date.now();
  const query = new URLSearchParams({...board, limit: EXPLORE_LIMIT});
  const base = `/api/experiments/${encodeURIComponent(id)}`;
  const [res, front] = await Promise.all([apiFetch(`${base}/leaderboard?${query}`), getJson(`${base}/pareto`)]);
  const answer = await res.json();
  const [label, value] = EXPLORE_Y[res.ok ? answer.by : 'score'] || EXPLORE_Y.score;
  const pts = res.ok ? answer.rows.filter(r => r.params != null && value(r) != null) : [];
  const onFront = new Set((front.params || []).map(r => r.hash));
  const note = document.getElementById('explore-note');
  const w = 720, h = 320, left = 70, right = 20, top = 15, bottom = 40;
  const children = [svg('rect', {x: 0, y: 0, width: w, height: h, fill: 'white', stroke: '#ccc'})];
  if (!pts.length) {
    note.textContent = !res.ok ? (answer.error || 'error ' + res.status)
      : answer.by === 'accuracy' ? 'Nothing trained yet: sort by score to see the candidates.'
        : 'No candidate to plot yet.';
    box.replaceChildren(...children);
    return;
  }
  note.textContent = `${pts.length} candidate(s) of ${fmt(answer.matching, 0)} matching: params across, ${label} up;` +
    ' green trained, ringed on the params front. Hover a point for its figures, click it to open it.';
  const xs = pts.map(r => r.params), ys = pts.map(value);
  const span = (lo, hi) => hi > lo ? [lo, hi] : [lo - 1, hi + 1];
  const [x0, x1] = span(Math.min(...xs), Math.max(...xs));
  const [y0, y1] = span(Math.min(...ys), Math.max(...ys));
  const x = v => left + (w - left - right) * (v - x0) / (x1 - x0);
  const y = v => h - bottom - (h - top - bottom) * (v - y0) / (y1 - y0);
  const text = (t, attrs) => { const el = svg('text', {'font-size': 11, fill: '#555', ...attrs}); el.textContent = t; return el; };
  children.push(svg('line', {x1: left, y1: h - bottom, x2: w - right, y2: h - bottom, stroke: '#999'}));
  children.push(svg('line', {x1: left, y1: top, x2: left, y2: h - bottom, stroke: '#999'}));
  children.push(text(axis(x0), {x: left, y: h - bottom + 14}), text(axis(x1), {x: w - right, y: h - bottom + 14, 'text-anchor': 'end'}));
  children.push(text('params', {x: (left + w - right) / 2, y: h - 8, 'text-anchor': 'middle'}));
  children.push(text(axis(y1), {x: left - 4, y: top + 10, 'text-anchor': 'end'}), text(axis(y0), {x: left - 4, y: h - bottom, 'text-anchor': 'end'}));
  children.push(text(label, {x: 12, y: (top + h - bottom) / 2, transform: `rotate(-90 12 ${(top + h - bottom) / 2})`, 'text-anchor': 'middle'}));
  // Trained and front points last, so that they are drawn over the others.
  const order = [...pts].sort((a, b) => (a.test_accuracy != null) + onFront.has(a.hash) - (b.test_accuracy != null) - onFront.has(b.hash));
  for (const r of order) {
    const dot = svg('circle', {cx: x(r.params), cy: y(value(r)), r: r.hash === candidate ? 6 : 4,
      fill: r.test_accuracy != null ? '#287840' : '#4a72b0', 'fill-opacity': 0.75,
      stroke: onFront.has(r.hash) ? '#c03030' : 'none', 'stroke-width': 2,
      class: 'pt' + (onFront.has(r.hash) ? ' front' : '') + (r.test_accuracy != null ? ' trained' : '')});
    dot.dataset.hash = r.hash;
    const tip = svg('title', {});
    tip.textContent = `${r.hash}  rank ${r.rank}\nparams ${fmt(r.params, 0)}, ${label} ${score(value(r))}` +
      `\nscore ${score(r.score)}, energy ${fmt(r.energy_pj / 1e6, 1)} uJ` +
      (r.test_accuracy != null ? `, test accuracy ${fmt(r.test_accuracy, 4)}` : '');
    dot.append(tip);
    dot.addEventListener('click', () => { candidate = r.hash; go(); });
    children.push(dot);
  }
  box.replaceChildren(...children);
}

/** Test accuracy (green) and train loss (grey, own scale) per epoch, as SVG lines. */
function drawCurve(points) {
  const box = document.getElementById('curve');
  const w = 640, h = 240, pad = 30;
  const children = [svg('rect', {x: 0, y: 0, width: w, height: h, fill: 'white', stroke: '#ccc'})];
  if (points.length) {
    // Axes and labels always: one epoch trained is a lone point, which means nothing without them.
    const text = (t, attrs) => { const el = svg('text', {'font-size': 11, fill: '#555', ...attrs}); el.textContent = t; return el; };
    children.push(svg('line', {x1: pad, y1: h - pad, x2: w - pad, y2: h - pad, stroke: '#999'}));
    children.push(svg('line', {x1: pad, y1: pad, x2: pad, y2: h - pad, stroke: '#999'}));
    children.push(text('1', {x: pad - 4, y: pad + 4, 'text-anchor': 'end'}));
    children.push(text('0', {x: pad - 4, y: h - pad + 4, 'text-anchor': 'end'}));
    children.push(text('test accuracy (green, 0 to 1); train loss (grey, scaled to its largest)', {x: pad + 4, y: pad - 10}));
    const n = Math.max(...points.map(p => p.epochs || p.epoch), 1);
    const x = e => pad + (w - 2 * pad) * (n === 1 ? 0.5 : (e - 1) / (n - 1));
    const losses = points.map(p => p.train_loss || 0);
    const lmax = Math.max(...losses, 1e-9);
    const line = (ys, color, cls) => svg('polyline', {
      points: points.map((p, i) => `${x(p.epoch)},${h - pad - (h - 2 * pad) * ys[i]}`).join(' '),
      fill: 'none', stroke: color, 'stroke-width': 2, class: cls});
    children.push(line(points.map(p => p.test_accuracy || 0), '#287840', 'test-accuracy'));
    children.push(line(losses.map(l => l / lmax), '#888', 'train-loss'));
    for (const p of points) {
      children.push(svg('circle', {cx: x(p.epoch), cy: h - pad - (h - 2 * pad) * (p.test_accuracy || 0), r: 3,
        fill: '#287840'}));
      children.push(text(String(p.epoch), {x: x(p.epoch), y: h - pad + 14, 'text-anchor': 'middle'}));
    }
    children.push(text('epoch', {x: w - pad, y: h - 4, 'text-anchor': 'end'}));
  }
  box.replaceChildren(...children);
}

async function candidateView(id, hash) {
  const view = document.getElementById('candidate');
  if (!hash) { view.hidden = true; return; }
  const url = `/api/experiments/${encodeURIComponent(id)}/candidates/${encodeURIComponent(hash)}`;
  const c = await getJson(url);
  view.hidden = false;
  document.getElementById('candidate-title').textContent = 'Candidate ' + c.hash + ' of ' + id;
  document.getElementById('candidate-genome').textContent =
    `depth ${c.depth}, D ${c.embed_dim}, mlp ratios ${(c.mlp_ratios || []).join(',')}, ` +
    `heads ${(c.num_heads || []).join(',')}, ${fmt(c.params, 0)} params` +
    (c.test_accuracy == null ? '' : `, test accuracy ${fmt(c.test_accuracy, 4)}`) +
    (c.reused_from ? ` (training reused from ${c.reused_from})` : '') +
    (c.replayed_from_table ? ` (not trained: replayed from the ${c.replayed_from_table})` : '');
  document.getElementById('candidate-yaml').href = c.retrain_yaml;
  const r = c.running;
  document.getElementById('candidate-running').textContent = r
    ? `training epoch ${r.epoch}/${r.epochs}: step ${r.step}/${r.steps}, loss ${fmt(r.train_loss, 4)}, ` +
      `about ${fmt(r.seconds_left, 0)} s left`
    : (c.curve.length ? `${c.curve.length} epoch(s) trained` : 'Not trained: only the candidates sent to training get a curve.');
  drawCurve(c.curve);
  document.querySelector('#curve-table tbody').replaceChildren(...c.curve.map(p => {
    const tr = document.createElement('tr');
    tr.append(cell(p.epoch), cell(fmt(p.train_loss, 4)), cell(fmt(p.train_accuracy, 4)), cell(fmt(p.test_accuracy, 4)));
    return tr;
  }));
  document.querySelector('#layers tbody').replaceChildren(...c.layers.map(l => {
    const tr = document.createElement('tr');
    tr.append(cell(l.name, 'l'), cell(fmt(l.params, 0)), cell(fmt(l.flops_syops, 0)), cell(fmt(l.flops_full, 0)));
    return tr;
  }));
  const metrics = [...Object.entries(c.proxies), ...Object.entries(c.firing_rates).map(([k, v]) => ['rate ' + k, v])];
  const metricRows = metrics.map(([k, v]) => {
    const tr = document.createElement('tr');
    tr.append(cell(k, 'l'), cell(score(v)));
    return tr;
  });
  if (!metricRows.length) { // an empty table says nothing: say why there is nothing
    const tr = document.createElement('tr');
    const td = cell('None for this candidate yet: the proxies (naswot, sahd, energy_init_pj) are measured by the' +
      ' prober when the objective needs them and by a training, the firing rates by a training.', 'l note');
    td.colSpan = 2;
    tr.append(td);
    metricRows.push(tr);
  }
  document.querySelector('#candidate-metrics tbody').replaceChildren(...metricRows);
}

refresh().catch(console.error);
setInterval(() => refresh().catch(console.error), 3000);
