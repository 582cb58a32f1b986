// What every page uses: calling the api, building elements (text only, never
// HTML from data), money and dates, forms, tables and errors.

/** The site (api.site_get), the session (GET /session), set by main.js. */
export const ctx = { site: null, session: { member_id: null, role: null } };

/** A refusal of the api: its code, message and hint, shown to people. */
export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.code = body && body.code;
    this.hint = body && body.hint;
    this.details = body && body.details;
  }
  /** Another member's record and a missing one answer the same (403 or 404): "not found" to people. */
  get notFound() {
    return this.status === 403 || this.status === 404;
  }
}

async function send(url, init) {
  const r = await fetch(url, { credentials: 'same-origin', ...init });
  if (r.status === 204) return null;
  const text = await r.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = { message: text };
  }
  if (!r.ok) throw new ApiError(r.status, body);
  return body;
}

/** Calls api.NAME with named arguments (POST /rpc/NAME), with the session cookie. */
export function call(name, args = {}) {
  const clean = {};
  for (const [k, v] of Object.entries(args)) if (v !== undefined && v !== '') clean[k] = v;
  return send(`/rpc/${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(clean),
  });
}

/** POST to one of the shell's own endpoints (/session …). */
export function post(url, body) {
  return send(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body || {}),
  });
}

export function get(url) {
  return send(url, { method: 'GET' });
}

/**
 * An element: h('p', {class: 'x'}, 'text', child…). Strings become text
 * nodes; attributes starting with "on" are listeners. Nothing is parsed as HTML.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else if (k === 'class') el.className = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** An SVG element (charts). */
export function svg(tag, attrs, ...children) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  append(el, children);
  return el;
}

const decimalsCache = {};
/** How many decimals a currency has (ISO 4217, as the browser knows it). */
export function decimals(currency) {
  if (!currency) return 2;
  if (!(currency in decimalsCache)) {
    try {
      decimalsCache[currency] = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits;
    } catch {
      decimalsCache[currency] = 2;
    }
  }
  return decimalsCache[currency];
}

/** The step of an amount input in a currency: "0.01", or "1" for a currency without decimals. */
export function step(currency) {
  const d = decimals(currency || (ctx.site && ctx.site.currency));
  return d ? (1 / 10 ** d).toFixed(d) : '1';
}

/** An amount with its currency and the currency's decimals: "USD 1,234.50". */
export function money(amount, currency) {
  if (amount === null || amount === undefined) return '';
  const cur = currency || (ctx.site && ctx.site.currency) || '';
  const n = Number(amount);
  const d = decimals(cur);
  const s = Math.abs(n).toLocaleString('en', { minimumFractionDigits: d, maximumFractionDigits: d });
  return `${n < 0 ? '−' : ''}${cur} ${s}`.trim();
}

/** A moment in the site's time zone. */
export function when(ts) {
  if (!ts) return '';
  const tz = (ctx.site && ctx.site.time_zone) || 'UTC';
  try {
    return new Intl.DateTimeFormat('en-GB', { timeZone: tz, dateStyle: 'medium', timeStyle: 'short' }).format(
      new Date(ts),
    );
  } catch {
    return ts;
  }
}

/** A calendar date (already the site's day): "21 Dec 2026". */
export function day(d) {
  if (!d) return '';
  const [y, m, dd] = String(d).split('-').map(Number);
  if (!y || !m || !dd) return String(d);
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', dateStyle: 'medium' }).format(
    new Date(Date.UTC(y, m - 1, dd)),
  );
}

/** Today in the site's time zone, YYYY-MM-DD. */
export function today() {
  const tz = (ctx.site && ctx.site.time_zone) || 'UTC';
  return new Intl.DateTimeFormat('en-CA', { timeZone: tz }).format(new Date());
}

/** A refusal for people: the message and what to do (the hint), never a bare code. */
export function errorBox(e) {
  if (!(e instanceof ApiError)) {
    return h('div', { class: 'error', role: 'alert' }, h('p', null, String(e && e.message ? e.message : e)));
  }
  return h(
    'div',
    { class: 'error', role: 'alert' },
    h('p', null, e.message),
    e.hint ? h('p', { class: 'hint' }, e.hint) : null,
  );
}

export function notFound() {
  return h(
    'section',
    null,
    h('h1', null, 'Not found'),
    h('p', null, 'There is nothing here you may see. It may not exist, or it may not be yours.'),
    h('p', null, h('a', { href: '#/' }, 'Back to the start')),
  );
}

/**
 * A table: rows, and columns [header, row => cell (text or element), {num: true}].
 * An empty list says so.
 */
export function table(rows, columns, empty = 'Nothing yet.') {
  if (!rows || rows.length === 0) return h('p', { class: 'empty' }, empty);
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      null,
      h('thead', null, h('tr', null, columns.map(([t, , o]) => h('th', { scope: 'col', class: o && o.num ? 'num' : null }, t)))),
      h(
        'tbody',
        null,
        // data-label: the column's header, shown beside each cell on a phone (app.css)
        rows.map((r) => h('tr', null, columns.map(([t, f, o]) => h('td', { class: o && o.num ? 'num' : null, 'data-label': t || null }, f(r))))),
      ),
    ),
  );
}

/** A definition list of [term, value] pairs. */
export function facts(pairs) {
  return h(
    'dl',
    { class: 'facts' },
    pairs.filter(Boolean).map(([k, v]) => [h('dt', null, k), h('dd', null, v === null || v === undefined || v === '' ? '—' : v)]),
  );
}

let fieldSeq = 0;

/**
 * A form of fields [{name, label, type, required, value, options: [[value, text]], help}]
 * and extra elements; on submit, onSubmit(values) runs; a refusal is shown in the form.
 */
export function form(opts) {
  const { fields = [], extra = [], submit = 'Save', onSubmit, id } = opts;
  const alert = h('div', { class: 'alert-slot', 'aria-live': 'polite' });
  const inputs = {};
  const rows = fields.map((f) => {
    const fid = `f${++fieldSeq}`;
    let input;
    if (f.options) {
      input = h(
        'select',
        { id: fid, name: f.name, required: f.required },
        f.required ? null : h('option', { value: '' }, f.none || '—'),
        f.options.map(([v, t]) => h('option', { value: v, selected: String(f.value ?? '') === String(v) }, t)),
      );
    } else if (f.type === 'textarea') {
      input = h('textarea', { id: fid, name: f.name, required: f.required, rows: f.rows || 4 }, f.value ?? '');
    } else {
      input = h('input', {
        id: fid,
        name: f.name,
        type: f.type || 'text',
        required: f.required,
        value: f.value ?? '',
        step: f.step,
        min: f.min,
        autocomplete: f.autocomplete,
        inputmode: f.inputmode,
        placeholder: f.placeholder,
      });
    }
    inputs[f.name] = input;
    return h(
      'div',
      { class: 'field' },
      h('label', { for: fid }, f.label, f.required ? null : h('span', { class: 'opt' }, ' (optional)')),
      input,
      f.help ? h('small', null, f.help) : null,
    );
  });
  const button = h('button', { type: 'submit' }, submit);
  const el = h('form', { id, class: opts.inline ? 'inline' : null }, rows, extra, h('div', { class: 'actions' }, button), alert);
  el.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    alert.replaceChildren();
    button.disabled = true;
    try {
      const values = {};
      for (const [k, i] of Object.entries(inputs)) values[k] = i.value.trim();
      await onSubmit(values, el);
    } catch (e) {
      alert.replaceChildren(errorBox(e));
    } finally {
      button.disabled = false;
    }
  });
  return el;
}

/** A button that runs fn, showing a refusal beside it. */
export function action(label, fn, opts = {}) {
  const slot = h('span', { class: 'alert-slot', 'aria-live': 'polite' });
  const b = h('button', { type: 'button', class: opts.class }, label);
  b.addEventListener('click', async () => {
    if (opts.confirm && !window.confirm(opts.confirm)) return;
    slot.replaceChildren();
    b.disabled = true;
    try {
      await fn();
    } catch (e) {
      slot.replaceChildren(errorBox(e));
    } finally {
      b.disabled = false;
    }
  });
  return h('span', { class: 'action' }, b, slot);
}

/** A collapsible section holding a form (staff actions). */
export function details(summary, ...content) {
  return h('details', { class: 'box' }, h('summary', null, summary), content);
}

/** Renders a text as a download: rows of objects as CSV. */
export function csvLink(name, rows, label = 'Download CSV') {
  const a = h('a', { href: '#', class: 'csv' }, label);
  a.addEventListener('click', (ev) => {
    ev.preventDefault();
    const cols = rows.length ? Object.keys(rows[0]) : [];
    const q = (v) => {
      const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
      return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    };
    const text = [cols.join(','), ...rows.map((r) => cols.map((c) => q(r[c])).join(','))].join('\r\n') + '\r\n';
    const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
    const link = h('a', { href: url, download: `${name}.csv` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  });
  return a;
}

/** A status word as a badge. */
export function badge(text, kind) {
  return h('span', { class: `badge ${kind || text || ''}` }, text || '—');
}

/** Goes to a page (hash route). */
export function go(hash) {
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = hash;
}

/** A link to a page. */
export function link(hash, text) {
  return h('a', { href: hash }, text);
}
