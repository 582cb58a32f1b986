// The pages' entry: the site and the session, the navigation, and the
// router (one hash route per page; /signin and /apply, the links of the
// e-mails, open the same document).

import { ctx, call, h, errorBox, notFound, ApiError, post, go } from './lib.js';
import * as member from './member.js';
import * as staff from './staff.js';
import * as reports from './reports.js';
import * as consolePages from './console.js';

const routes = [
  [/^\/?$/, () => home()],
  [/^\/signin$/, (m, q) => member.signinPage(q)],
  [/^\/apply$/, () => member.applyPage()],
  [/^\/account$/, () => (ctx.session.member_id ? member.memberPage(ctx.session.member_id) : member.signinPage(new URLSearchParams()))],
  [/^\/members\/(\d+)$/, (m) => member.memberPage(Number(m[1]))],
  [/^\/classes$/, () => member.classesPage()],
  [/^\/classes\/(\d+)$/, (m) => member.classPage(Number(m[1]))],
  [/^\/orders\/(\d+)$/, (m) => member.orderPage(Number(m[1]))],
  [/^\/invoices\/(\d+)$/, (m) => member.invoicePage(Number(m[1]))],
  [/^\/staff$/, (m, q) => staff.searchPage(q)],
  [/^\/staff\/classes\/new$/, () => staff.classNewPage()],
  [/^\/staff\/notifications$/, (m, q) => staff.notificationsPage(q)],
  [/^\/staff\/notifications\/(\d+)$/, (m) => staff.notificationPage(Number(m[1]))],
  [/^\/staff\/webhooks\/(\d+)$/, (m) => staff.notificationPage(Number(m[1]), 'webhook')],
  [/^\/staff\/outbox$/, (m, q) => staff.outboxPage(q)],
  [/^\/staff\/runs$/, () => staff.runsPage()],
  [/^\/staff\/runs\/(\d+)$/, (m) => staff.runPage(Number(m[1]))],
  [/^\/staff\/settings$/, (m, q) => staff.settingsPage(q)],
  [/^\/staff\/tokens$/, () => consolePages.tokensPage()],
  [/^\/staff\/discounts$/, () => consolePages.discountsPage()],
  [/^\/staff\/storage$/, (m, q) => consolePages.storagePage(q)],
  [/^\/staff\/reports$/, (m, q) => reports.reportsPage(q)],
  [/^\/staff\/access$/, () => reports.accessPage()],
];

function home() {
  if (ctx.session.role === 'staff') return staff.searchPage(new URLSearchParams());
  if (ctx.session.role === 'member') return member.memberPage(ctx.session.member_id);
  return member.homePage();
}

function nav() {
  const a = (href, text) => h('a', { href, 'aria-current': location.hash.split('?')[0] === href ? 'page' : null }, text);
  const items = [];
  if (ctx.session.role === 'member') {
    items.push(a('#/account', 'My account'), a('#/classes', 'Classes'));
  } else if (ctx.session.role === 'staff') {
    items.push(a('#/staff', 'Members'), a('#/classes', 'Classes'), a('#/staff/notifications', 'Notifications'),
      a('#/staff/outbox', 'Outbox'), a('#/staff/runs', 'Collector'), a('#/staff/reports', 'Reports'),
      a('#/staff/discounts', 'Discounts'), a('#/staff/storage', 'Storage'), a('#/staff/access', 'Doors'), a('#/staff/tokens', 'Tokens'), a('#/staff/settings', 'Settings'));
  } else {
    items.push(a('#/classes', 'Classes'), a('#/signin', 'Sign in'), a('#/apply', 'Apply'));
  }
  if (ctx.session.role) {
    const out = h('button', { type: 'button', class: 'link', id: 'signout' }, 'Sign out');
    out.addEventListener('click', async () => {
      await post('/session/end');
      ctx.session = { member_id: null, role: null };
      go('#/');
    });
    items.push(out);
  }
  document.getElementById('nav').replaceChildren(...items);
}

let rendering = 0;

async function render() {
  // a page that arrives after the next one was asked for is dropped
  const mine = ++rendering;
  const main = document.getElementById('main');
  const [path, query] = location.hash.replace(/^#/, '').split('?');
  // the links of the sign-in e-mail are /signin?email=…&code=…
  let q = new URLSearchParams(query || '');
  let p = path || '/';
  if (!location.hash && (location.pathname === '/signin' || location.pathname === '/apply')) {
    p = location.pathname;
    q = new URLSearchParams(location.search);
  }
  nav();
  const route = routes.find(([re]) => re.test(p));
  let page;
  try {
    page = route ? await route[1](p.match(route[0]), q) : notFound();
  } catch (e) {
    if (e instanceof ApiError && e.notFound) page = notFound();
    else if (e instanceof ApiError && e.status === 401) {
      await member.refreshSession();
      nav();
      page = h('section', null, errorBox(e), member.signinPage(new URLSearchParams()));
    } else page = h('section', null, h('h1', null, 'Something went wrong'), errorBox(e));
  }
  if (mine !== rendering) return;
  main.replaceChildren(page);
  const title = main.querySelector('h1');
  document.title = `${title ? title.textContent + ' · ' : ''}${ctx.site.name}`;
  main.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

async function start() {
  try {
    await member.refreshSession();
    ctx.site = await call('site_get');
  } catch (e) {
    ctx.site = ctx.site || { name: 'dues', time_zone: 'UTC', currency: 'USD' };
  }
  document.getElementById('site-name').textContent = ctx.site.name;
  window.addEventListener('hashchange', render);
  await render();
}

start();
