// The page's script. Ids, hashes and reasons come from whoever can submit an experiment or
// write to the topics: every value goes into the page as text (textContent, DOM properties),
// never as markup. The Content-Security-Policy allows only this file as script.
'use strict';

let selected = null;
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

async function getJson(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(url + ': ' + r.status);
  return r.json();
}

async function refresh() {
  const list = await getJson('/api/experiments');
  document.getElementById('empty').hidden = list.length > 0;
  if (!selected && list.length) selected = list[list.length - 1].id;
  const rows = list.map(e => {
    const tr = document.createElement('tr');
    tr.className = 'exp' + (e.id === selected ? ' sel' : '');
    tr.dataset.id = e.id;
    const phase = cell(e.phase);
    if (e.failure_reason) phase.title = e.failure_reason;
    tr.append(
      cell(e.id, 'l'), phase, cell(e.strategy), cell(e.generation), cell(e.candidates_scored),
      cell(score(e.best_score)), cell(e.trained + '/' + e.train_expected));
    tr.addEventListener('click', () => { selected = e.id; refresh().catch(console.error); });
    return tr;
  });
  document.querySelector('#experiments tbody').replaceChildren(...rows);
  if (selected) await detail(selected);
}

async function detail(id) {
  const board = await getJson(`/api/experiments/${encodeURIComponent(id)}/leaderboard?limit=20`);
  document.getElementById('detail').hidden = false;
  document.getElementById('title').textContent = 'Leaderboard: ' + id;
  document.getElementById('objective').textContent = board.objective || 'score';
  const rows = board.rows.map(r => {
    const tr = document.createElement('tr');
    tr.className = 'row';
    tr.append(
      cell(r.rank), cell(r.hash, 'l hash'), cell(r.depth), cell(r.embed_dim),
      cell((r.mlp_ratios || []).join(','), 'l'), cell((r.num_heads || []).join(','), 'l'),
      cell(fmt(r.params, 0)), cell(fmt(r.flops_syops, 0)), cell(fmt(r.energy_pj / 1e6, 1)),
      cell(score(r.score)),
      cell(r.test_accuracy == null ? '' : fmt(r.test_accuracy, 4)));
    return tr;
  });
  document.querySelector('#leaderboard tbody').replaceChildren(...rows);
  const charts = document.getElementById('charts');
  if (charts.dataset.id !== id || Date.now() - (charts.dataset.at || 0) > 10000) {
    charts.dataset.id = id;
    charts.dataset.at = Date.now();
    charts.replaceChildren(...CHARTS.map(n => {
      const img = document.createElement('img');
      img.alt = n;
      img.src = `/api/experiments/${encodeURIComponent(id)}/charts/${n}.png?t=${Date.now()}`;
      return img;
    }));
  }
}

refresh().catch(console.error);
setInterval(() => refresh().catch(console.error), 3000);
