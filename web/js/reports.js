// Reports as tables and as charts drawn here in SVG, each downloadable as
// CSV; the door access log and its weekly heatmap.

import { call, h, svg, money, when, table, form, go, csvLink, today } from './lib.js';
import { autoTable } from './staff.js';

/** A bar chart of [label, value] pairs (values ≥ 0 or not), with a title for screen readers. */
export function barChart(title, pairs, fmt = String) {
  const W = 640, H = 220, pad = 36, n = Math.max(pairs.length, 1);
  const values = pairs.map(([, v]) => Number(v) || 0);
  const max = Math.max(0, ...values), min = Math.min(0, ...values);
  const span = max - min || 1;
  const y = (v) => pad / 2 + (H - pad * 1.5) * (1 - (v - min) / span);
  const bw = Math.min((W - pad) / n, 64);
  const s = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', class: 'chart', 'aria-label': title },
    svg('title', null, title),
    svg('line', { x1: pad, x2: W, y1: y(0), y2: y(0), class: 'axis' }));
  pairs.forEach(([label, v], i) => {
    const val = Number(v) || 0;
    const x = pad + i * bw + bw * 0.15;
    const top = Math.min(y(val), y(0));
    s.append(
      svg('rect', { x, y: top, width: bw * 0.7, height: Math.max(1, Math.abs(y(val) - y(0))), class: val < 0 ? 'bar neg' : 'bar' },
        svg('title', null, `${label}: ${fmt(v)}`)),
      svg('text', { x: x + bw * 0.35, y: H - 4, 'text-anchor': 'middle', class: 'label' }, String(label)),
    );
  });
  s.append(svg('text', { x: 2, y: y(max) + 4, class: 'label' }, fmt(max)));
  return s;
}

const month = (d) => String(d).slice(0, 7);

function monthsBack(n) {
  const t = today();
  const [y, m] = t.split('-').map(Number);
  const from = new Date(Date.UTC(y, m - 1 - n, 1)).toISOString().slice(0, 10);
  return [from, `${t.slice(0, 7)}-01`];
}

export async function reportsPage(params) {
  const [defFrom, defTo] = monthsBack(11);
  const from = params.get('from') || defFrom;
  const to = params.get('to') || defTo;
  const [recv, revenue, mrr, subs] = await Promise.all([
    call('report_receivables', {}),
    call('report_revenue', { from_month: from, to_month: to }),
    call('report_mrr', { from_month: from, to_month: to }),
    call('report_subscriptions', { from_month: from, to_month: to }),
  ]);
  const sumBy = (rows, key, val) => {
    const m = new Map();
    for (const r of rows) m.set(r[key], (m.get(r[key]) || 0) + Number(r[val]));
    return [...m.entries()];
  };
  const cur = (rows) => (rows[0] && rows[0].currency) || '';
  const ageing = ['not_due', 'days_0_30', 'days_31_60', 'days_61_90', 'over_90'].map((k) => [k.replace(/_/g, ' '), recv.reduce((a, r) => a + Number(r[k]), 0)]);
  const churn = sumBy(subs, 'month', 'churned').map(([k, v]) => [month(k), v]);
  const started = sumBy(subs, 'month', 'started').map(([k, v]) => [month(k), v]);
  return h(
    'section',
    null,
    h('h1', null, 'Reports'),
    form({
      inline: true,
      fields: [
        { name: 'from', label: 'From month', type: 'date', value: from, required: true },
        { name: 'to', label: 'To month', type: 'date', value: to, required: true },
      ],
      submit: 'Show',
      onSubmit: async (v) => go(`#/staff/reports?from=${v.from}&to=${v.to}`),
    }),
    h('h2', null, 'Receivables ageing'),
    barChart('Receivables by age', ageing, (v) => money(v, cur(recv))),
    csvLink('receivables', recv),
    table(recv, [
      ['Member', (r) => h('a', { href: `#/members/${r.member_id}` }, r.member_name)],
      ['Not due', (r) => money(r.not_due, r.currency), { num: true }],
      ['0–30', (r) => money(r.days_0_30, r.currency), { num: true }],
      ['31–60', (r) => money(r.days_31_60, r.currency), { num: true }],
      ['61–90', (r) => money(r.days_61_90, r.currency), { num: true }],
      ['Over 90', (r) => money(r.over_90, r.currency), { num: true }],
      ['Total', (r) => money(r.total, r.currency), { num: true }],
    ], 'Nothing is owed.'),
    h('h2', null, 'Revenue by month'),
    barChart('Revenue by month', sumBy(revenue, 'month', 'revenue').map(([k, v]) => [month(k), v]), (v) => money(v, cur(revenue))),
    csvLink('revenue', revenue),
    table(revenue, [
      ['Month', (r) => month(r.month)],
      ['Class', (r) => r.class_title],
      ['Billed', (r) => money(r.billed, r.currency), { num: true }],
      ['Reversed', (r) => money(r.reversed, r.currency), { num: true }],
      ['Revenue', (r) => money(r.revenue, r.currency), { num: true }],
    ], 'No revenue in these months.'),
    h('h2', null, 'Monthly recurring revenue'),
    barChart('MRR by month', mrr.map((r) => [month(r.month), r.mrr]), (v) => money(v, cur(mrr))),
    csvLink('mrr', mrr),
    table(mrr, [
      ['Month', (r) => month(r.month)],
      ['Subscriptions', (r) => r.subscriptions, { num: true }],
      ['MRR', (r) => money(r.mrr, r.currency), { num: true }],
    ], 'No recurring revenue.'),
    h('h2', null, 'Subscriptions and churn'),
    h('div', { class: 'cards' },
      h('div', null, h('h3', null, 'Started'), barChart('Subscriptions started by month', started)),
      h('div', null, h('h3', null, 'Churned'), barChart('Subscriptions churned by month', churn))),
    csvLink('subscriptions', subs),
    autoTable(subs, { empty: 'No subscription in these months.' }),
  );
}

const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function heatmap(cells) {
  const W = 24 * 24 + 40, H = 7 * 22 + 24;
  const max = Math.max(1, ...cells.map((c) => c.count));
  const s = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', class: 'chart heat', 'aria-label': 'Door openings by weekday and hour' },
    svg('title', null, 'Door openings by weekday and hour'));
  for (const c of cells) {
    s.append(svg('rect', { x: 40 + c.hour * 24, y: c.weekday * 22, width: 22, height: 20, class: 'cell', 'fill-opacity': (0.08 + 0.92 * c.count / max).toFixed(2) },
      svg('title', null, `${weekdays[c.weekday]} ${c.hour}:00: ${c.count}`)));
  }
  weekdays.forEach((d, i) => s.append(svg('text', { x: 0, y: i * 22 + 15, class: 'label' }, d)));
  for (let hr = 0; hr < 24; hr += 3) s.append(svg('text', { x: 40 + hr * 24, y: H - 6, class: 'label' }, `${hr}h`));
  return s;
}

export async function accessPage() {
  const [log, heat] = await Promise.all([call('access_log', { limit: 200 }), call('access_heatmap', {})]);
  return h(
    'section',
    null,
    h('h1', null, 'Door access'),
    h('h2', null, 'Weekly heatmap'),
    heatmap(heat),
    csvLink('access-heatmap', heat),
    h('h2', null, 'Log'),
    csvLink('access-log', log),
    autoTable(log, { empty: 'No access yet.', links: { member_id: (r) => `#/members/${r.member_id}` } }),
  );
}

export { when };
