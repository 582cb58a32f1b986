// More of the staff console: API tokens (create, list, revoke), the storage
// slots in use and their renewal requests, and the membership status rules
// (add and change). Every action is an api call with the staff session's rights.

import { ctx, call, h, day, when, today, table, form, action, details, badge, go, link, money, step, errorBox } from './lib.js';
import { renewalDecideForm } from './account.js';

const reload = () => go(location.hash);

/** Tokens as a table, each revocable; onChange redraws the list after a revocation. */
export function tokenTable(rows, onChange) {
  return table(rows, [
    ['Id', (r) => String(r.id)],
    ['Kind', (r) => r.kind],
    ['Member', (r) => (r.member_id ? link(`#/members/${r.member_id}`, `member ${r.member_id}`) : 'staff')],
    ['Label', (r) => r.label || ''],
    ['Created', (r) => h('span', null, when(r.created_at), h('br'), h('small', null, r.created_by || ''))],
    ['Expires', (r) => (r.expires_at ? when(r.expires_at) : 'never')],
    ['Revoked', (r) => (r.revoked_at ? h('span', null, when(r.revoked_at), h('br'), h('small', null, r.revoked_by || '')) : '')],
    ['', (r) => (r.revoked_at ? '' : action('Revoke', async () => {
      await call('token_revoke', { token_id: r.id });
      await onChange();
    }, { class: 'secondary', confirm: `Revoke token ${r.id}${r.label ? ` (${r.label})` : ''}? Programs using it are refused at once.` }))],
  ], 'No token.');
}

/**
 * The form that creates a token: for the member memberId, or (null) for a
 * member or staff as chosen. The token is shown once, in `shown`.
 */
export function tokenForm(memberId, shown, onCreated) {
  const fields = [];
  if (!memberId) {
    fields.push(
      { name: 'kind', label: 'For', required: true, value: 'member', options: [['member', 'a member'], ['staff', 'staff (every right)']] },
      { name: 'member_id', label: 'Member id (a member token)', type: 'number', min: '1' },
    );
  }
  fields.push(
    { name: 'label', label: 'Label (what uses it)' },
    { name: 'expires_on', label: 'Expires after (empty: never)', type: 'date' },
  );
  return form({
    id: 'token-create',
    fields,
    submit: 'Create the token',
    onSubmit: async (v, el) => {
      const staff = !memberId && v.kind === 'staff';
      const t = await call('token_create', {
        member_id: memberId || (staff || !v.member_id ? undefined : Number(v.member_id)),
        staff,
        label: v.label,
        // the end of that day in the site's time zone (PostgreSQL reads the zone's name)
        expires_at: v.expires_on ? `${v.expires_on} 23:59:59.999 ${ctx.site.time_zone || 'UTC'}` : undefined,
      });
      shown.replaceChildren(h('div', { class: 'ok', role: 'status' },
        h('p', null, `Token ${t.token_id} for ${t.token_staff ? 'staff' : `member ${t.token_member_id}`}: copy it now, it is not shown again.`),
        h('p', null, h('code', { id: 'new-token-value' }, t.token))));
      el.reset();
      await onCreated();
    },
  });
}

/** Every token, newest first, and a form to create one. */
export async function tokensPage() {
  const list = h('div', { id: 'token-list' });
  const draw = async () => list.replaceChildren(tokenTable(await call('token_list', { limit: 500 }), draw));
  await draw();
  const shown = h('div', { 'aria-live': 'polite' });
  return h(
    'section',
    null,
    h('h1', null, 'API tokens'),
    h('p', null, 'A token lets a program call the api as one member or as staff. It is shown once, when it is made: keep it then. ',
      'A member signing in on these pages gets a token of its own, listed here too.'),
    details('Create a token', tokenForm(null, shown, draw)),
    shown,
    list,
  );
}

/**
 * Storage: the slots in use (api.storage_list; flagged ones alone when asked) with
 * their renewal requests to decide, and release; the free slots, each given to a
 * member; new slots and slot types.
 */
export async function storagePage(params) {
  const flagged = params.get('flagged') === '1';
  const [rows, free, types] = await Promise.all([
    call('storage_list', { flagged_only: flagged }),
    call('storage_slot_list', { free_only: true }),
    call('storage_slot_type_list'),
  ]);
  return h(
    'section',
    null,
    h('h1', null, 'Storage'),
    h('nav', { class: 'tabs', 'aria-label': 'which slots' },
      h('a', { href: '#/staff/storage', 'aria-current': flagged ? null : 'page' }, 'in use'), ' ',
      h('a', { href: '#/staff/storage?flagged=1', 'aria-current': flagged ? 'page' : null }, 'flagged (the member left)')),
    h('h2', null, flagged ? 'Flagged slots' : 'Slots in use'),
    table(rows, [
      ['Slot', (r) => h('strong', null, r.label)],
      ['Type', (r) => r.type],
      ['Where', (r) => r.location || ''],
      ['Member', (r) => link(`#/members/${r.member_id}`, r.member_name)],
      ['Since', (r) => day(r.starts_on)],
      ['Until', (r) => day(r.expires_on)],
      ['Flag', (r) => (r.flagged_on ? h('span', null, badge('flagged', 'late'), ` ${day(r.flagged_on)}: ${r.flag_reason}`) : '')],
      ['Renewal', (r) => (r.open_renewal_id ? renewalDecideForm(r.open_renewal_id) : '')],
      ['', (r) => action('Release', async () => {
        await call('storage_release', { slot_id: r.slot_id, why: 'released from the console' });
        reload();
      }, { class: 'secondary', confirm: `Release slot ${r.label} from ${r.member_name}?` })],
    ], flagged ? 'No flagged slot.' : 'No slot in use.'),
    h('h2', null, 'Free slots'),
    table(free, [
      ['Slot', (r) => h('strong', null, r.label)],
      ['Type', (r) => r.type_title],
      ['Where', (r) => r.location || ''],
      ['', (r) => details('Give to a member', form({
        id: `storage-assign-${r.slot_id}`,
        fields: [
          { name: 'member_id', label: 'Member id', type: 'number', min: '1', required: true },
          { name: 'starts_on', label: 'From', type: 'date', required: true, value: today() },
          { name: 'expires_on', label: 'Until (empty: one term of the type)', type: 'date' },
          { name: 'why', label: 'Why' },
        ],
        submit: 'Give the slot',
        onSubmit: async (v) => {
          await call('storage_assign', { slot_id: r.slot_id, ...v, member_id: Number(v.member_id) });
          reload();
        },
      }))],
    ], 'No free slot.'),
    details('Add a slot', form({
      id: 'storage-slot-create',
      fields: [
        { name: 'type_id', label: 'Type', required: true, options: types.map((t) => [t.id, `${t.title} (${t.default_term})`]) },
        { name: 'label', label: 'Label, as on the shelf', required: true },
        { name: 'location', label: 'Where' },
      ],
      submit: 'Add the slot',
      onSubmit: async (v) => { await call('storage_slot_create', { ...v, type_id: Number(v.type_id) }); reload(); },
    })),
    details('Add a slot type', form({
      id: 'storage-type-create',
      fields: [
        { name: 'name', label: 'Name (a lower-case word: locker, shelf…)', required: true },
        { name: 'title', label: 'Title', required: true },
        { name: 'default_term', label: 'Term of an assignment and of each renewal (e.g. 3 months, 1 year)', required: true },
        { name: 'reminder_before', label: 'Remind the member this long before the expiry (empty: 14 days)' },
      ],
      submit: 'Add the type',
      onSubmit: async (v) => { await call('storage_slot_type_create', v); reload(); },
    })),
  );
}

const events = [
  ['join_date', 'join date'],
  ['start_date', 'membership start'],
  ['end_date', 'membership end'],
  ['last_payment_date', 'last payment'],
  ['oldest_unpaid_due_date', 'oldest unpaid invoice due'],
];
const eventName = (e) => (events.find(([k]) => k === e) || [e, e])[1];
const yesNo = [['true', 'yes'], ['false', 'no']];
const zero = (o) => (!o || /^(0 days|00:00:00)$/.test(o) ? '0 days' : o);
const keys = (s) => s.split(',').map((x) => x.trim()).filter(Boolean);
const standings = [['good', 'good'], ['at_risk', 'at risk'], ['suspended', 'suspended']];

/** The fields of a membership status rule, filled with rule r (empty for a new one). */
function ruleFields(r, templates, groups) {
  return [
    { name: 'status', label: 'Status (a lower-case word: active, grace, lapsed…; empty when the rule gives only a standing)', value: r.status },
    { name: 'standing', label: 'Billing standing it gives (none: a membership status only; suspended: the collector suspends)', value: r.standing, options: standings, none: 'none' },
    { name: 'description', label: 'Description', value: r.description },
    { name: 'start_event', label: 'Holds from', required: true, value: r.start_event || 'last_payment_date', options: events },
    { name: 'start_offset', label: 'plus (e.g. 0 days, 1 year, -7 days)', required: true, value: zero(r.start_offset) },
    { name: 'end_event', label: 'Until (empty: open-ended)', value: r.end_event, options: events },
    { name: 'end_offset', label: 'plus', required: true, value: zero(r.end_offset) },
    { name: 'weight', label: 'Weight (of the rules that hold, the highest gives the status, and the standing)', type: 'number', step: '1', required: true, value: r.weight },
    { name: 'is_membership', label: 'Counts as being a member', required: true, value: String(r.is_membership ?? true), options: yesNo },
    { name: 'reminder_template', label: 'E-mail sent on entering it', value: r.reminder_template, options: templates.map((t) => [t.name, t.name]) },
    { name: 'add_groups', label: `Groups joined on entering it (keys, comma-separated: ${groups.map((g) => g.key).filter(Boolean).join(', ')})`, value: (r.add_groups || []).join(', ') },
    { name: 'remove_groups', label: 'Groups left on entering it (keys, comma-separated)', value: (r.remove_groups || []).join(', ') },
    { name: 'active', label: 'Active', required: true, value: String(r.active ?? true), options: yesNo },
    { name: 'why', label: 'Why' },
  ];
}

/** A rule's form: the status may be empty when the rule gives a standing. */
function ruleForm(r, templates, groups) {
  const el = form({
    id: r.id ? `rule-${r.id}` : 'rule-new',
    fields: ruleFields(r, templates, groups),
    submit: r.id ? 'Save the rule' : 'Add the rule',
    onSubmit: async (v) => {
      await call('membership_rule_set', {
        id: r.id,
        ...v,
        weight: Number(v.weight),
        is_membership: v.is_membership === 'true',
        active: v.active === 'true',
        add_groups: keys(v.add_groups),
        remove_groups: keys(v.remove_groups),
      });
      go('#/staff/settings?part=rules');
    },
  });
  const status = el.querySelector('[name=status]');
  const standing = el.querySelector('[name=standing]');
  const optional = el.querySelector(`label[for=${status.id}] .opt`);
  const follow = () => {
    status.required = !standing.value;
    if (optional) optional.hidden = status.required;
  };
  standing.addEventListener('change', follow);
  follow();
  return el;
}

/** What a rule is called: its status, else its standing, else its description. */
const ruleName = (r) => r.status || (r.standing && `standing ${r.standing}`) || r.description || `#${r.id}`;

const offset = (o) => (zero(o) === '0 days' ? '' : ` ${o.startsWith('-') ? '' : '+ '}${o}`);

/**
 * The membership status rules: a table, and a form to add one; with the id of
 * one (editing), the form that changes it above the table.
 */
export function rulesSection(rules, templates, groups, editing) {
  const rule = editing && rules.find((r) => String(r.id) === String(editing));
  return h(
    'div',
    { id: 'membership-rules' },
    rule ? h('div', { class: 'box' }, h('h2', null, `Change the rule ${ruleName(rule)}`), ruleForm(rule, templates, groups),
      link('#/staff/settings?part=rules', 'Leave it as it is')) : null,
    h('h2', null, 'Membership status rules'),
    h('p', null, h('small', null, 'Members\' statuses follow at the next run of the job expire, billing\'s standings at the collector\'s. '
      + 'A rule with a standing and no status gives only the standing.')),
    table(rules, [
      ['Status', (r) => h('span', null, h('strong', null, r.status || '—'), r.description ? [h('br'), h('small', null, r.description)] : null)],
      ['Standing', (r) => (r.standing ? badge(r.standing, r.standing) : '')],
      ['Holds', (r) => `from ${eventName(r.start_event)}${offset(r.start_offset)}${r.end_event ? ` until ${eventName(r.end_event)}${offset(r.end_offset)}` : ''}`],
      ['Weight', (r) => String(r.weight), { num: true }],
      ['Member', (r) => (r.is_membership ? 'yes' : 'no')],
      ['On entering', (r) => [r.reminder_template ? `e-mails ${r.reminder_template}` : '',
        (r.add_groups || []).length ? `joins ${r.add_groups.join(', ')}` : '',
        (r.remove_groups || []).length ? `leaves ${r.remove_groups.join(', ')}` : ''].filter(Boolean).join('; ')],
      ['Active', (r) => badge(r.active ? 'active' : 'inactive', r.active ? 'good' : '')],
      ['', (r) => h('a', { class: 'button secondary', href: `#/staff/settings?part=rules&rule=${r.id}` }, 'Change')],
    ], 'No rule: nobody has a membership status, and every standing is good.'),
    details('Add a rule', ruleForm({}, templates, groups)),
  );
}

/** What a discount takes off: "10.00%" or "USD 5.00". */
const discountOff = (d) => (d.percent !== null && d.percent !== undefined ? `${Number(d.percent).toFixed(2)}%` : money(d.amount, d.currency));

/** The days a discount may be taken: "from 1 Dec 2026", "1 Dec 2026 – 31 Dec 2026". */
const discountDays = (d) => (d.valid_until ? `${day(d.valid_from)} – ${day(d.valid_until)}` : `from ${day(d.valid_from)}`);

/**
 * The form that creates a discount: a percent, or an amount in a currency (the
 * currency chosen only then), for some classes (none chosen: every class).
 */
function discountForm(classes, onCreated) {
  const currencies = [...new Set([ctx.site.currency, ...classes.map((c) => c.currency)].filter(Boolean))];
  const classSelect = h('select', { id: 'discount-classes', name: 'class_ids', multiple: true, size: Math.min(6, Math.max(3, classes.length + 1)) },
    classes.map((c) => h('option', { value: c.id }, `${c.title} (${c.currency})`)));
  const classField = h('div', { class: 'field' },
    h('label', { for: 'discount-classes' }, 'For the classes', h('span', { class: 'opt' }, ' (none chosen: every class)')),
    classSelect);
  const el = form({
    id: 'discount-create',
    fields: [
      { name: 'code', label: 'Code (letters, digits, - or _; members type it in any case)', required: true, autocomplete: 'off' },
      { name: 'kind', label: 'Takes off', required: true, value: 'percent', options: [['percent', 'a percent'], ['amount', 'an amount']] },
      { name: 'percent', label: 'Percent (above 0, at most 100)', type: 'number', step: '0.01', min: '0.01' },
      { name: 'amount', label: 'Amount', type: 'number', step: step(), min: step() },
      { name: 'currency', label: 'Currency', required: true, value: ctx.site.currency, options: currencies.map((c) => [c, c]) },
      { name: 'valid_from', label: 'Valid from', type: 'date', required: true, value: today() },
      { name: 'valid_until', label: 'Valid until (inclusive; empty: no end)', type: 'date' },
      { name: 'max_uses', label: 'Uses at most (empty: no limit)', type: 'number', step: '1', min: '1' },
      { name: 'periods', label: 'Periods of a recurring subscription discounted (empty: every period)', type: 'number', step: '1', min: '1' },
    ],
    extra: [classField],
    submit: 'Create the discount',
    onSubmit: async (v, f) => {
      const percent = v.kind === 'percent';
      await call('discount_create', {
        code: v.code,
        percent: percent && v.percent ? Number(v.percent) : undefined,
        amount: !percent && v.amount ? Number(v.amount) : undefined,
        currency: percent ? undefined : v.currency,
        valid_from: v.valid_from,
        valid_until: v.valid_until,
        max_uses: v.max_uses ? Number(v.max_uses) : undefined,
        periods: v.periods ? Number(v.periods) : undefined,
        class_ids: [...classSelect.selectedOptions].map((o) => Number(o.value)),
      });
      f.reset();
      follow();
      await onCreated();
    },
  });
  // the percent, or the amount and its currency: only the fields of the kind chosen show
  const kind = el.querySelector('[name=kind]');
  const field = (name) => el.querySelector(`[name=${name}]`);
  const follow = () => {
    const percent = kind.value === 'percent';
    for (const [name, shown] of [['percent', percent], ['amount', !percent], ['currency', !percent]]) {
      const input = field(name);
      // a .field is a grid (app.css): hidden by its style; a field shown is required, not "(optional)"
      input.closest('.field').style.display = shown ? '' : 'none';
      const optional = el.querySelector(`label[for=${input.id}] .opt`);
      if (optional) optional.hidden = shown;
      input.required = shown;
      input.disabled = !shown;
    }
    field('amount').step = step(field('currency').value);
    field('amount').min = step(field('currency').value);
  };
  kind.addEventListener('change', follow);
  field('currency').addEventListener('change', follow);
  follow();
  return el;
}

/** Who took a discount: its claims (api.discount_claim_list), newest first. */
async function discountClaims(d, classes) {
  const currency = (id) => d.currency || (classes.find((c) => String(c.id) === String(id)) || {}).currency;
  const rows = await call('discount_claim_list', { discount_id: d.id, limit: 500 });
  return table(rows, [
    ['Member', (r) => link(`#/members/${r.member_id}`, r.name)],
    ['Class', (r) => link(`#/classes/${r.class_id}`, `class ${r.class_id}`)],
    ['Order', (r) => link(`#/orders/${r.order_id}`, `order ${r.order_id}`)],
    ['How', (r) => (r.how === 'grant' ? 'granted by staff' : 'by its code')],
    ['On', (r) => day(r.claimed_on)],
    ['Counts', (r) => (r.counted ? 'yes' : 'no (cancelled)')],
    ['Periods', (r) => String(r.lines), { num: true }],
    ['Taken off', (r) => money(r.discounted, currency(r.class_id)), { num: true }],
  ], 'Nobody took it yet.');
}

/** The claims of a discount, fetched when opened. */
function claimsDetails(d, classes) {
  const box = h('div', null, h('p', null, 'Loading…'));
  const el = details('Who took it', box);
  el.addEventListener('toggle', async () => {
    if (!el.open) return;
    try {
      box.replaceChildren(await discountClaims(d, classes));
    } catch (e) {
      box.replaceChildren(errorBox(e));
    }
  });
  return el;
}

/** Discounts as a table, each with who took it and, while running, a form that ends it. */
function discountTable(rows, classes, onChange) {
  const className = (id) => (classes.find((c) => String(c.id) === String(id)) || { title: `class ${id}` }).title;
  return table(rows, [
    ['Code', (r) => h('strong', null, r.code)],
    ['Off', (r) => discountOff(r)],
    ['Valid', (r) => discountDays(r)],
    ['Classes', (r) => (r.class_ids && r.class_ids.length ? r.class_ids.map(className).join(', ') : 'every class')],
    ['Uses', (r) => `${r.uses} / ${r.max_uses ?? '∞'}`, { num: true }],
    ['Periods', (r) => (r.periods ? String(r.periods) : 'every'), { num: true }],
    ['Taken off', (r) => (r.currency ? money(r.discounted, r.currency) : Number(r.discounted).toFixed(2)), { num: true }],
    ['Ended', (r) => (r.ended_at ? h('span', null, badge('ended', 'ended'), ' ', when(r.ended_at)) : badge('running', 'good'))],
    ['', (r) => h('div', null, claimsDetails(r, classes), r.ended_at ? null : details('End', form({
      id: `discount-end-${r.id}`,
      fields: [{ name: 'why', label: 'Why (kept in the audit log)', required: true }],
      submit: `End ${r.code}`,
      onSubmit: async (v) => {
        await call('discount_end', { discount_id: r.id, why: v.why });
        await onChange();
      },
    })))],
  ], 'No discount.');
}

/** Every discount, newest first, and a form to create one. */
export async function discountsPage() {
  const classes = await call('class_list', { limit: 500 });
  const list = h('div', { id: 'discount-list' });
  const draw = async () => list.replaceChildren(discountTable(await call('discount_list', { limit: 500 }), classes, draw));
  await draw();
  return h(
    'section',
    null,
    h('h1', null, 'Discounts'),
    h('p', null, 'A discount is a code members give when they subscribe, or staff grant to a member’s recurring subscription: ',
      'a percent or an amount off an order, or off each period billed. Ending one stops it at once; issued invoices keep their discount lines.'),
    details('Create a discount', discountForm(classes, draw)),
    list,
  );
}
