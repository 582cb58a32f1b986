// The staff console: members, classes, payment notifications, the outbox,
// the collector's runs, settings, templates, membership rules and job
// schedules. Every action is an api call with the staff session's rights.

import { ctx, call, h, money, when, day, table, facts, form, action, details, badge, go, link, today, step } from './lib.js';
import { tokenTable, tokenForm, rulesSection } from './console.js';
import { paramFields } from './params.js';

const reload = () => go(location.hash);

/** Any list as a table of its scalar columns (ids link where a page exists). */
export function autoTable(rows, opts = {}) {
  if (!rows || !rows.length) return table(rows, [], opts.empty || 'Nothing.');
  const skip = new Set(opts.skip || []);
  const cols = Object.keys(rows[0]).filter((k) => !skip.has(k));
  const cell = (r, k) => {
    const v = r[k];
    if (v === null || v === undefined) return '';
    if (opts.links && opts.links[k]) return link(opts.links[k](r), String(v));
    if (/(_at|^run_at)$/.test(k)) return when(v);
    if (/(^|_)(on|date|day|month)$/.test(k) && /^\d{4}-\d{2}-\d{2}$/.test(String(v))) return day(v);
    if (r.currency && /(amount|balance|total|mrr|revenue|billed|reversed|refunded)$/.test(k)) return money(v, r.currency);
    if (typeof v === 'object') return JSON.stringify(v);
    if (typeof v === 'boolean') return v ? 'yes' : 'no';
    return String(v);
  };
  const columns = cols.map((k) => [k.replace(/_/g, ' '), (r) => cell(r, k)]);
  if (opts.extra) columns.push(['', opts.extra]);
  return table(rows, columns, opts.empty);
}

/** Members: search by name or e-mail, standing. */
export async function searchPage(params) {
  const q = params.get('q') || '';
  const standing = params.get('standing') || '';
  const rows = await call('member_list', { q, standing, limit: 100 });
  const f = form({
    id: 'member-search',
    inline: true,
    fields: [
      { name: 'q', label: 'Name or e-mail', type: 'search', value: q },
      { name: 'standing', label: 'Standing', value: standing, options: [['good', 'good'], ['at_risk', 'at risk'], ['suspended', 'suspended']] },
    ],
    submit: 'Search',
    onSubmit: async (v) => go(`#/staff?q=${encodeURIComponent(v.q)}&standing=${encodeURIComponent(v.standing)}`),
  });
  return h(
    'section',
    null,
    h('h1', null, 'Members'),
    f,
    table(rows, [
      ['Name', (r) => link(`#/members/${r.id}`, r.name)],
      ['E-mail', (r) => r.email],
      ['Kind', (r) => r.kind],
      ['Standing', (r) => badge(r.standing)],
      ['Membership', (r) => badge(r.membership_status || '—', r.membership_status)],
    ], 'No member matches.'),
    details('Add a member', form({
      fields: [
        { name: 'name', label: 'Name', required: true },
        { name: 'email', label: 'E-mail', type: 'email', required: true },
        { name: 'kind', label: 'Kind', value: 'person', options: [['person', 'person'], ['organization', 'organisation']] },
      ],
      submit: 'Add',
      onSubmit: async (v) => { const m = await call('member_create', v); go(`#/members/${m.id}`); },
    })),
  );
}

/** Buttons of an invoice row on a member page (staff). */
export function invoiceActions(r) {
  if (r.invoice_status !== 'open' && r.invoice_status !== 'draft') return '';
  return h(
    'span',
    null,
    action('Write off', async () => { await call('invoice_write_off', { invoice_id: r.id, reason: 'written off from the console' }); reload(); },
      { class: 'secondary', confirm: `Write off invoice ${r.number}?` }),
    action('Void', async () => { await call('invoice_void', { invoice_id: r.id, reason: 'voided from the console' }); reload(); },
      { class: 'secondary', confirm: `Void invoice ${r.number}?` }),
  );
}

/** The refund form of a payment row (staff). */
export function paymentActions(r) {
  if (Number(r.refunded) >= Number(r.amount)) return 'refunded';
  return details('Refund', form({
    fields: [
      { name: 'amount', label: `Amount (${r.currency}; empty: all)`, type: 'number', step: step(r.currency), min: step(r.currency) },
      { name: 'reason', label: 'Reason', required: true },
    ],
    submit: 'Refund',
    onSubmit: async (v) => { await call('payment_refund', { payment_id: r.id, ...v }); reload(); },
  }));
}

/** The staff's part of a member page. */
export async function staffMemberActions(m) {
  const [classes, methods, groups, tokens, charges, roles] = await Promise.all([
    call('class_list', { limit: 500 }),
    call('payment_method_list'),
    call('group_list'),
    call('token_list', { member_id: m.id }),
    call('charge_list', { member_id: m.id }),
    m.kind === 'organization' ? call('role_list', { organization_id: m.id }) : [],
  ]);
  const tokenList = h('div', { id: 'token-list' });
  const drawTokens = async (rows) => tokenList.replaceChildren(
    tokenTable(Array.isArray(rows) ? rows : await call('token_list', { member_id: m.id }), drawTokens));
  await drawTokens(tokens);
  const shown = h('div', { 'aria-live': 'polite' });
  const cur = (m.balance && m.balance[0] && m.balance[0].currency) || ctx.site.currency;
  return h(
    'section',
    { class: 'staff', id: 'staff-actions' },
    h('h2', null, 'Staff'),
    details('Register a payment', form({
      id: 'register-payment',
      fields: [
        { name: 'amount', label: 'Amount', type: 'number', step: step(cur), min: step(cur), required: true },
        { name: 'currency', label: 'Currency', value: cur, required: true },
        { name: 'method', label: 'Method', required: true, value: 'bank_transfer', options: methods.map((p) => [p.name, p.title]) },
        { name: 'external_ref', label: 'Reference (bank statement line, receipt…)' },
      ],
      submit: 'Register the payment',
      onSubmit: async (v) => { await call('register_payment', { member_id: m.id, ...v }); reload(); },
    })),
    details('Add a charge', form({
      fields: [
        { name: 'class_id', label: 'Class', required: true, options: classes.map((c) => [c.id, `${c.title} (${c.currency})`]) },
        { name: 'amount', label: 'Amount (in the class\'s currency)', type: 'number', step: step(cur), min: step(cur), required: true },
        { name: 'description', label: 'Description', required: true },
        { name: 'due_date', label: 'Due on', type: 'date', value: today() },
      ],
      submit: 'Add the charge',
      onSubmit: async (v) => { await call('charge_add', { member_id: m.id, ...v }); reload(); },
    })),
    h('h3', null, 'Charges'),
    table(charges, [
      ['Due', (r) => day(r.due_date)],
      ['Description', (r) => r.description],
      ['State', (r) => badge(r.state)],
      ['Amount', (r) => money(r.amount, r.currency), { num: true }],
      ['', (r) => (r.state === 'pending' || r.state === 'open' ? action('Cancel', async () => { await call('charge_cancel', { charge_id: r.id, why: 'cancelled from the console' }); reload(); }, { class: 'secondary' }) : '')],
    ], 'No charge.'),
    details('Membership', h('div', { class: 'actions' },
      action('Join (start the membership now)', async () => { await call('membership_join', { member_id: m.id }); reload(); }),
      action(m.membership && m.membership.waived ? 'Stop waiving dues' : 'Waive dues', async () => {
        await call('membership_waive', { member_id: m.id, waived: !(m.membership && m.membership.waived) });
        reload();
      }, { class: 'secondary' }))),
    details('Groups', form({
      fields: [{ name: 'group_id', label: 'Group', required: true, options: groups.map((g) => [g.id, g.name]) }],
      submit: 'Add to the group',
      onSubmit: async (v) => { await call('group_add', { member_id: m.id, group_id: v.group_id }); reload(); },
    }), form({
      fields: [{ name: 'group_id', label: 'Group', required: true, options: (m.groups || []).map((g) => [g.group_id, g.name]) }],
      submit: 'Remove from the group',
      onSubmit: async (v) => { await call('group_remove', { member_id: m.id, group_id: v.group_id }); reload(); },
    })),
    details(m.master_id ? `Linked to member ${m.master_id}` : 'Link to another member (pays for this one)', m.master_id
      ? action('Unlink', async () => { await call('member_unlink', { member_id: m.id }); reload(); })
      : form({
        fields: [{ name: 'master_id', label: 'Member id of the one who pays', type: 'number', min: '1', required: true }],
        submit: 'Link',
        onSubmit: async (v) => { await call('member_link', { member_id: m.id, master_id: Number(v.master_id) }); reload(); },
      })),
    details('Roles (a user of an organization or a service order)', form({
      fields: [
        { name: 'role', label: 'Role', required: true, options: [['manager', 'manager (pays and administers)'], ['contributor', 'contributor (uses, sees)']] },
        { name: 'organization_id', label: 'Organization (member id)', type: 'number', min: '1' },
        { name: 'service_order_id', label: 'or service order id', type: 'number', min: '1' },
      ],
      submit: 'Grant',
      onSubmit: async (v) => {
        await call('role_grant', {
          member_id: m.id,
          role: v.role,
          organization_id: v.organization_id ? Number(v.organization_id) : undefined,
          service_order_id: v.service_order_id ? Number(v.service_order_id) : undefined,
        });
        reload();
      },
    })),
    m.kind === 'organization' ? [h('h3', null, 'Users of this organization'), table(roles.filter((r) => !r.revoked_at), [
      ['Member', (r) => link(`#/members/${r.member_id}`, r.member_name)],
      ['Role', (r) => r.role],
      ['Since', (r) => when(r.granted_at)],
      ['', (r) => action('Revoke', async () => { await call('role_revoke', { member_id: r.member_id, organization_id: m.id }); reload(); },
        { class: 'secondary', confirm: `Take ${r.member_name}'s role away?` })],
    ], 'No user.')] : null,
    h('h3', null, 'Tokens'),
    details('Create a token for this member', tokenForm(m.id, shown, drawTokens)),
    shown,
    tokenList,
    h('h3', null, 'Statement'),
    autoTable(await call('member_statement', { member_id: m.id }), { empty: 'No entry.', skip: ['ledger_transaction_id'] }),
  );
}

/** Staff's part of a class page: update, close. */
export async function classStaff(c) {
  const fields = paramFields(c.parameters, 'class', c.params);
  return h(
    'section',
    { class: 'staff' },
    h('h2', null, 'Students'),
    autoTable(await call('class_students', { class_id: c.id }), { empty: 'No student today.', links: { member_id: (r) => `#/members/${r.member_id}` } }),
    c.open
      ? [
        details('Update', form({
          id: 'class-update',
          fields: [
            { name: 'title', label: 'Title', required: true, value: c.title },
            { name: 'description', label: 'Description', type: 'textarea', value: c.description || '' },
            { name: 'why', label: 'Why' },
          ],
          extra: fields.elements,
          submit: 'Save',
          onSubmit: async (v) => { await call('class_update', { class_id: c.id, ...v, params: fields.read() }); reload(); },
        })),
        details('Close', form({
          fields: [{ name: 'why', label: 'Why' }],
          submit: 'Close the class',
          onSubmit: async (v) => { await call('class_close', { class_id: c.id, why: v.why }); reload(); },
        })),
      ]
      : null,
  );
}

/** A new class: the rule from rule_list, its class parameters in a generated form. */
export async function classNewPage() {
  const rules = await call('rule_list');
  const slot = h('div', { id: 'rule-params' });
  let fields = paramFields([], 'class');
  const ruleSelect = h('select', { id: 'class-rule', name: 'rule', required: true },
    rules.map((r) => h('option', { value: r.rule }, r.title)));
  const ruleHelp = h('small', null);
  const show = () => {
    const r = rules.find((x) => x.rule === ruleSelect.value);
    fields = paramFields(r ? r.parameters : [], 'class');
    ruleHelp.textContent = r ? r.description : '';
    slot.replaceChildren(...fields.elements);
  };
  ruleSelect.addEventListener('change', show);
  show();
  return h(
    'section',
    null,
    h('h1', null, 'Create a class'),
    form({
      id: 'class-create',
      fields: [
        { name: 'title', label: 'Title', required: true },
        { name: 'description', label: 'Description', type: 'textarea', rows: 2 },
        { name: 'currency', label: `Currency (empty: ${ctx.site.currency})` },
      ],
      extra: [h('div', { class: 'field' }, h('label', { for: 'class-rule' }, 'Subscription rule'), ruleSelect, ruleHelp), slot],
      submit: 'Create the class',
      onSubmit: async (v) => {
        const c = await call('class_create', { ...v, rule: ruleSelect.value, params: fields.read() });
        go(`#/classes/${c.id}`);
      },
    }),
  );
}

const ipnStates = ['received', 'unverified', 'invalid', 'rejected', 'unmatched', 'ambiguous', 'held', 'processed', 'failed'];

export async function notificationsPage(params) {
  const state = params.get('state') || '';
  const [ipns, hooks] = await Promise.all([
    call('ipn_list', { state }),
    call('webhook_list', { limit: 100 }),
  ]);
  return h(
    'section',
    null,
    h('h1', null, 'Payment notifications'),
    h('nav', { class: 'tabs', 'aria-label': 'states' }, link('#/staff/notifications', 'all'),
      ipnStates.map((s) => [' ', link(`#/staff/notifications?state=${s}`, s)])),
    h('h2', null, `PayPal IPN${state ? `: ${state}` : ''}`),
    autoTable(ipns, { links: { id: (r) => `#/staff/notifications/${r.id}`, member_id: (r) => `#/members/${r.member_id}` }, empty: 'No notification.' }),
    h('h2', null, 'Stripe, GoCardless and PayPal webhooks'),
    autoTable(hooks, { links: { id: (r) => `#/staff/webhooks/${r.id}`, member_id: (r) => `#/members/${r.member_id}` }, empty: 'No webhook.' }),
  );
}

/** One PayPal IPN (kind 'ipn') or one webhook delivery or event (kind 'webhook'), with its body and history. */
export async function notificationPage(id, kind = 'ipn') {
  const n = await call(kind === 'ipn' ? 'ipn_get' : 'webhook_get', { id });
  const scalars = Object.entries(n).filter(([, v]) => v === null || typeof v !== 'object');
  return h(
    'section',
    null,
    h('h1', null, `${kind === 'ipn' ? 'Notification' : 'Webhook'} ${n.id}`),
    facts(scalars.filter(([k]) => k !== 'body').map(([k, v]) => [k.replace(/_/g, ' '), /_at$/.test(k) ? when(v) : v === null ? '' : String(v)])),
    h('h2', null, 'Raw body'),
    h('pre', null, n.body || ''),
    h('h2', null, 'History'),
    autoTable(n.history || [], { empty: 'No history.' }),
    details('Reprocess', form({
      fields: [{ name: 'member_id', label: 'Member id (to match it to a member)', type: 'number', min: '1' }],
      submit: 'Reprocess',
      onSubmit: async (v) => {
        await call(kind === 'ipn' ? 'ipn_reprocess' : 'webhook_reprocess', { id: n.id, member_id: v.member_id ? Number(v.member_id) : undefined });
        reload();
      },
    })),
  );
}

export async function outboxPage(params) {
  const state = params.get('state') || '';
  const rows = await call('outbox_list', { state, limit: 200 });
  return h(
    'section',
    null,
    h('h1', null, 'Outbox'),
    h('nav', { class: 'tabs', 'aria-label': 'states' }, link('#/staff/outbox', 'all'),
      ['pending', 'sending', 'sent', 'dead'].map((s) => [' ', link(`#/staff/outbox?state=${s}`, s)])),
    table(rows, [
      ['Id', (r) => r.id],
      ['Template', (r) => r.template],
      ['To', (r) => r.recipient],
      ['State', (r) => badge(r.state)],
      ['Attempts', (r) => `${r.attempts}/${r.max_attempts}`],
      ['Due', (r) => when(r.due_at)],
      ['Sent', (r) => when(r.sent_at)],
      ['Last error', (r) => r.last_error || ''],
      ['', (r) => (r.state === 'dead' ? action('Retry', async () => { await call('outbox_retry', { outbox_id: r.id, why: 'retried from the console' }); reload(); }) : '')],
    ], 'No message.'),
  );
}

export async function runsPage() {
  const rows = await call('collect_run_list', { limit: 100 });
  return h(
    'section',
    null,
    h('h1', null, 'Collector runs'),
    table(rows, [
      ['Run', (r) => link(`#/staff/runs/${r.id}`, `Run ${r.id}`)],
      ['For', (r) => when(r.run_at)],
      ['Finished', (r) => when(r.finished_at)],
      ['Members', (r) => r.members, { num: true }],
      ['Invoices', (r) => r.invoices, { num: true }],
      ['Lines', (r) => r.lines, { num: true }],
      ['Reminders', (r) => r.reminders, { num: true }],
      ['Errors', (r) => (r.errors ? h('strong', { class: 'bad' }, String(r.errors)) : '0'), { num: true }],
    ], 'The collector has not run yet.'),
  );
}

export async function runPage(id) {
  const errors = await call('collect_error_list', { collect_run_id: id, limit: 500 });
  return h(
    'section',
    null,
    h('h1', null, `Collector run ${id}`),
    p('Errors: members the run could not bill, and why.'),
    table(errors, [
      ['Member', (r) => link(`#/members/${r.member_id}`, r.member_name)],
      ['Error', (r) => r.message],
      ['Code', (r) => r.sqlstate],
      ['When', (r) => when(r.created_at)],
    ], 'No error.'),
  );
}

function p(text) {
  return h('p', null, text);
}

const settingParts = [
  ['settings', 'Settings'],
  ['templates', 'Message templates'],
  ['rules', 'Membership status rules'],
  ['jobs', 'Job schedules'],
  ['methods', 'Payment methods'],
];

/** Settings, message templates, membership status rules, job schedules and payment methods: one part at a time. */
export async function settingsPage(params) {
  const part = settingParts.some(([k]) => k === params.get('part')) ? params.get('part') : 'settings';
  const tabs = h('nav', { class: 'tabs', 'aria-label': 'parts' }, settingParts.map(([k, t]) => [
    h('a', { href: `#/staff/settings?part=${k}`, 'aria-current': k === part ? 'page' : null }, t), ' ']));
  const parts = {
    settings: async () => settingTable(await call('setting_list')),
    templates: async () => templateForms(await call('message_template_list')),
    rules: async () => {
      const [rules, templates, groups] = await Promise.all([
        call('membership_rule_list'), call('message_template_list'), call('group_list')]);
      return rulesSection(rules, templates, groups, params.get('rule'));
    },
    jobs: async () => jobTable(await call('job_list')),
    methods: async () => [h('h2', null, 'Payment methods'),
      table(await call('payment_method_list'), [['Name', (r) => r.name], ['Title', (r) => r.title]])],
  };
  return h('section', null, h('h1', null, 'Settings'), tabs, await parts[part]());
}

function settingTable(settings) {
  return [
    h('h2', null, 'Settings'),
    table(settings, [
      ['Setting', (r) => h('span', null, h('strong', null, r.name), h('br'), h('small', null, r.description || ''))],
      ['Value', (r) => (r.secret ? (r.is_set ? 'set (secret)' : 'not set') : r.value)],
      ['', (r) => details('Change', form({
        fields: [
          { name: 'value', label: r.expects || r.type, value: r.secret ? '' : r.value },
          { name: 'why', label: 'Why' },
        ],
        submit: 'Save',
        onSubmit: async (v) => { await call('setting_set', { name: r.name, value: v.value, why: v.why }); reload(); },
      }))],
    ]),
  ];
}

function templateForms(templates) {
  return [
    h('h2', null, 'Message templates'),
    templates.map((t) => details(`${t.name} (${t.kind})`, form({
      fields: [
        { name: 'subject', label: 'Subject', value: t.subject },
        { name: 'body_text', label: 'Text', type: 'textarea', rows: 6, value: t.body_text },
        { name: 'why', label: 'Why' },
      ],
      extra: [h('p', null, h('small', null, `Placeholders: ${(t.placeholders || []).map((x) => `{{${x}}}`).join(' ')}`))],
      submit: 'Save the template',
      onSubmit: async (v) => { await call('message_template_set', { name: t.name, ...v }); reload(); },
    }))),
  ];
}

function jobTable(jobs) {
  return [
    h('h2', null, 'Job schedules'),
    table(jobs, [
      ['Job', (r) => r.job],
      ['Every', (r) => r.cron || r.every || ''],
      ['Enabled', (r) => (r.enabled ? 'yes' : 'no')],
      ['Next run', (r) => when(r.next_run_at)],
      ['Last run', (r) => when(r.last_finished_at)],
      ['Last error', (r) => r.last_error || ''],
      ['', (r) => details('Change', form({
        fields: [
          { name: 'cron_or_interval', label: 'Cron or interval (e.g. 1 day, 0 3 * * *)', value: r.cron || r.every || '' },
          { name: 'enabled', label: 'Enabled', value: r.enabled ? 'true' : 'false', options: [['true', 'yes'], ['false', 'no']], required: true },
          { name: 'why', label: 'Why' },
        ],
        submit: 'Save',
        onSubmit: async (v) => { await call('job_schedule_set', { job: r.job, cron_or_interval: v.cron_or_interval, enabled: v.enabled === 'true', why: v.why }); reload(); },
      }))],
    ]),
  ];
}
