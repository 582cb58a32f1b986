// The member portal: sign in, apply, my account (a member page), classes,
// subscribing through the generated form, an order and what to pay, a
// printable invoice. Staff see the same pages with their own actions
// (staff.js adds them); what anyone may see or do is the api's answer.

import {
  ctx, call, post, h, money, when, day, table, facts, form, action, details, badge, go, link, notFound, errorBox,
  ApiError, today,
} from './lib.js';
import { paramFields } from './params.js';
import { staffMemberActions, invoiceActions, paymentActions } from './staff.js';
import { storageSection, serviceOrderSection } from './account.js';

export const refreshSession = async () => {
  ctx.session = await fetch('/session', { credentials: 'same-origin' }).then((r) => r.json());
};

function codeForm(email, code, title) {
  return h(
    'section',
    null,
    h('h2', null, title),
    h('p', null, 'We sent a code to ', h('strong', null, email), '. Enter it here, or open the link in the message.'),
    form({
      id: 'code-form',
      fields: [
        { name: 'code', label: 'Code from the e-mail', required: true, value: code || '', inputmode: 'numeric', autocomplete: 'one-time-code' },
      ],
      submit: 'Sign in',
      onSubmit: async (v) => {
        await post('/session', { email, code: v.code });
        await refreshSession();
        // the e-mail's link carried the code in the address: it is used, drop it
        if (location.search) history.replaceState(null, '', '/');
        go(ctx.session.role === 'staff' ? '#/staff' : '#/account');
      },
    }),
  );
}

export function signinPage(params) {
  const email = params.get('email');
  const code = params.get('code');
  const main = h('section', null, h('h1', null, 'Sign in'));
  if (email && code) {
    main.append(codeForm(email, code, 'Your code'));
    return main;
  }
  main.append(
    h('p', null, 'Members and staff sign in with a code sent by e-mail. No password to remember.'),
    form({
      id: 'signin-form',
      fields: [{ name: 'email', label: 'E-mail address', type: 'email', required: true, autocomplete: 'email' }],
      submit: 'Send me a code',
      onSubmit: async (v) => {
        await call('signin_request', { email: v.email });
        main.replaceChildren(h('h1', null, 'Sign in'), codeForm(v.email, '', 'Check your e-mail'));
      },
    }),
    h('p', null, 'Not a member yet? ', link('#/apply', 'Apply for membership'), '.'),
  );
  return main;
}

export function applyPage() {
  const main = h('section', null, h('h1', null, 'Apply for membership'));
  main.append(
    h('p', null, 'Tell us who you are; we send a code to your e-mail address to confirm it.'),
    form({
      id: 'apply-form',
      fields: [
        { name: 'name', label: 'Name', required: true, autocomplete: 'name' },
        { name: 'email', label: 'E-mail address', type: 'email', required: true, autocomplete: 'email' },
        { name: 'kind', label: 'You are', required: true, value: 'person', options: [['person', 'a person'], ['organization', 'an organisation']] },
      ],
      submit: 'Apply',
      onSubmit: async (v) => {
        await call('membership_apply', v);
        main.replaceChildren(h('h1', null, 'Apply for membership'), codeForm(v.email, '', 'Check your e-mail'));
      },
    }),
  );
  return main;
}

/** Anyone: the open classes; a signed-in member subscribes from a class's page. */
export async function classesPage() {
  const staff = ctx.session.role === 'staff';
  const rows = await call('class_list', { open_only: !staff, limit: 200 });
  return h(
    'section',
    null,
    h('h1', null, staff ? 'Classes' : 'Classes open to you'),
    staff ? h('p', null, link('#/staff/classes/new', 'Create a class')) : null,
    table(rows, [
      ['Class', (r) => link(`#/classes/${r.id}`, r.title)],
      ['Rule', (r) => r.rule],
      ['Currency', (r) => r.currency],
      staff ? ['State', (r) => badge(r.closed_at ? 'closed' : 'open')] : null,
    ].filter(Boolean), 'No class is open.'),
  );
}

export async function classPage(id) {
  const c = await call('class_get', { class_id: id });
  const main = h('section', null, h('h1', null, c.title));
  if (c.description) main.append(h('p', null, c.description));
  const priced = c.parameters.filter((p) => p.scope === 'class');
  main.append(
    facts([
      ['Rule', c.rule],
      ['Currency', c.currency],
      ...priced.map((p) => [p.description || p.name, p.type === 'money' && p.value !== null ? money(p.value, c.currency) : p.value ?? '—']),
      !c.open ? ['Closed', when(c.closed_at)] : null,
    ]),
  );
  if (ctx.session.role === 'member' && c.open) {
    const fields = paramFields(c.parameters, 'request');
    main.append(
      h('h2', null, 'Subscribe'),
      form({
        id: 'subscribe-form',
        extra: fields.elements,
        submit: 'Subscribe',
        onSubmit: async () => {
          const order = await call('class_subscription_request', {
            member_id: ctx.session.member_id,
            class_id: c.id,
            params: fields.read(),
          });
          go(`#/orders/${order.id}`);
        },
      }),
    );
  } else if (!ctx.session.role && c.open) {
    main.append(h('p', null, link('#/signin', 'Sign in'), ' or ', link('#/apply', 'apply'), ' to subscribe.'));
  }
  if (ctx.session.role === 'staff') {
    const { classStaff } = await import('./staff.js');
    main.append(await classStaff(c));
  }
  return main;
}

const orderState = { opened: 'waiting for payment', confirmed: 'paid', closed: 'paid', cancelled: 'cancelled' };

export async function orderPage(id) {
  const o = await call('order_get', { order_id: id });
  const [balances, member] = await Promise.all([
    call('member_balance', { member_id: o.member_id }),
    call('member_get', { member_id: o.member_id }),
  ]);
  const bal = (balances || []).find((b) => b.currency === o.currency) || { available: 0 };
  const toPay = Math.max(0, Number(o.amount) - Number(bal.available));
  const main = h(
    'section',
    null,
    h('h1', null, `Order ${o.id}`),
    facts([
      ['Class', link(`#/classes/${o.class_id}`, o.class_title || `class ${o.class_id}`)],
      ['Member', link(`#/members/${o.member_id}`, member.name)],
      ['State', h('span', { id: 'order-state' }, badge(orderState[o.state] || o.state, o.state))],
      ['Costs', h('strong', null, money(o.amount, o.currency))],
      ['From', day(o.start_date)],
      o.end_date ? ['Until', day(o.end_date)] : null,
      ['Your available credit', money(bal.available, o.currency)],
      Object.keys(o.params || {}).length ? ['Chosen', Object.entries(o.params).map(([k, v]) => `${k}: ${v}`).join(', ')] : null,
    ]),
  );
  if (o.state === 'opened') {
    main.append(h('h2', null, 'What to pay'));
    if (toPay > 0) main.append(howToPay(toPay, o, member));
    else main.append(h('p', { id: 'to-pay' }, 'Your credit covers this order: confirm it.'));
    main.append(
      h(
        'div',
        { class: 'actions' },
        action('Confirm the order', async () => {
          await call('order_confirm', { order_id: o.id });
          await call('class_subscription_confirm', { order_id: o.id });
          go(`#/orders/${o.id}`);
        }),
        action('Cancel the order', async () => {
          await call('order_cancel', { order_id: o.id });
          go(`#/orders/${o.id}`);
        }, { class: 'secondary', confirm: 'Cancel this order?' }),
      ),
    );
  } else if (o.state === 'confirmed') {
    main.append(
      action('Start the subscription', async () => {
        await call('class_subscription_confirm', { order_id: o.id });
        go(`#/orders/${o.id}`);
      }),
    );
  } else if (o.state === 'closed') {
    main.append(h('p', { class: 'ok' }, `Paid: you are a student of ${o.class_title || 'this class'} from ${day(o.start_date)}.`));
  }
  return main;
}

function howToPay(amount, o, member) {
  const s = ctx.site;
  const ref = `member ${member.id} order ${o.id}`;
  const ways = [];
  if (s.bank_transfer_account) {
    ways.push(
      h('li', null, h('strong', null, 'Bank transfer'), ' to ', h('code', null, s.bank_transfer_account), ', reference ', h('code', null, ref), '.'),
    );
  }
  if (s.paypal_payment_url) {
    ways.push(
      h(
        'li',
        null,
        h('strong', null, 'PayPal'),
        ': ',
        h('a', { href: s.paypal_payment_url, rel: 'noopener', target: '_blank' }, 'pay on PayPal'),
        member.paypal_email ? ` from ${member.paypal_email}` : ' (set your PayPal e-mail on your account page so that the payment finds you)',
        `, note "${ref}".`,
      ),
    );
  }
  ways.push(h('li', null, h('strong', null, 'In person'), ': the treasurer registers cash or a card payment.'));
  return h(
    'div',
    { id: 'to-pay' },
    h('p', null, 'Pay ', h('strong', null, money(amount, o.currency)), ', then confirm the order once the payment is registered.'),
    h('ul', null, ways),
  );
}

/** A member's page: the member's own account, or any member's for staff. */
export async function memberPage(id) {
  const staff = ctx.session.role === 'staff';
  const m = await call('member_get', { member_id: id });
  const [orders, payments, invoices, recurring, slots, serviceOrders] = await Promise.all([
    call('order_list', { member_id: id, limit: 100 }),
    call('payment_list', { member_id: id, limit: 100 }),
    call('invoice_list', { member_id: id }),
    call('recurring_subscription_list', { member_id: id }),
    call('member_storage_list', { member_id: id }),
    call('service_order_list', { member_id: id }),
  ]);
  const st = m.standing || {};
  const ms = m.membership || {};
  const main = h(
    'section',
    { id: 'member-page' },
    h('h1', null, m.name),
    h('p', { class: 'sub' }, `${m.kind}, member ${m.id} · ${m.email}`),
    h(
      'div',
      { class: 'cards' },
      h('div', { class: 'card' }, h('h2', null, 'Balance'),
        (m.balance || []).length
          ? m.balance.map((b) => h('p', { class: 'big' }, money(b.balance, b.currency), h('small', null, ` available ${money(b.available, b.currency)}`)))
          : h('p', { class: 'big' }, money(0))),
      h('div', { class: 'card' }, h('h2', null, 'Standing'), h('p', { class: 'big' }, badge(st.standing, st.standing)),
        Number(st.amount_due) > 0 ? h('p', null, `${money(st.amount_due, st.currency)} due`, st.days_late ? `, ${st.days_late} days late` : '') : h('p', null, 'Nothing due')),
      h('div', { class: 'card' }, h('h2', null, 'Membership'), h('p', { class: 'big' }, badge(ms.status || 'not a member', ms.status)),
        ms.last_payment_date ? h('p', null, `last payment ${day(ms.last_payment_date)}`) : null,
        ms.waived ? h('p', null, 'dues waived') : null),
    ),
    h('h2', null, 'Invoices'),
    table(invoices, [
      ['Number', (r) => link(`#/invoices/${r.id}`, r.number)],
      ['Issued', (r) => day(r.issue_date)],
      ['Due', (r) => day(r.due_date)],
      ['Status', (r) => badge(r.invoice_status)],
      ['Total', (r) => money(r.total, r.currency), { num: true }],
      ['Due now', (r) => money(r.amount_due, r.currency), { num: true }],
      staff ? ['', (r) => invoiceActions(r)] : null,
    ].filter(Boolean), 'No invoice.'),
    h('h2', null, 'Orders'),
    table(orders, [
      ['Order', (r) => link(`#/orders/${r.id}`, `Order ${r.id}`)],
      ['Class', (r) => r.class_title],
      ['State', (r) => badge(orderState[r.state] || r.state, r.state)],
      ['From', (r) => day(r.start_date)],
      ['Amount', (r) => money(r.amount, r.currency), { num: true }],
    ], 'No order.'),
    h('h2', null, 'Payments'),
    table(payments, [
      ['Received', (r) => when(r.received_at || r.created_at)],
      ['Method', (r) => r.method],
      ['Reference', (r) => r.external_ref || ''],
      ['Amount', (r) => money(r.amount, r.currency), { num: true }],
      staff ? ['', (r) => paymentActions(r)] : null,
    ].filter(Boolean), 'No payment.'),
    h('h2', null, 'Subscriptions'),
    table(m.subscriptions, [
      ['Class', (r) => link(`#/classes/${r.class_id}`, r.class_title)],
      ['From', (r) => day(r.start_date)],
      ['Until', (r) => (r.end_date ? day(r.end_date) : 'no end')],
      ['Paid', (r) => money(r.amount, r.currency), { num: true }],
    ], 'No subscription.'),
    recurring.length ? [h('h2', null, 'Recurring billing'), table(recurring, [
      ['Class', (r) => r.class_title],
      ['Every', (r) => r.period],
      ['Amount', (r) => money(r.period_amount, r.currency), { num: true }],
      ['Billed until', (r) => day(r.billed_until)],
      ['Renewal', (r) => r.renewal],
      ['Paused', (r) => (r.pauses || []).filter((p) => p.paused_from).map((p) => `${day(p.paused_from)} to ${day(p.paused_until)}`).join(', ')],
      ['', (r) => (r.cancelled_at || r.end_date ? '' : action('Cancel', async () => {
        await call('recurring_subscription_cancel', { class_subscription_id: r.class_subscription_id });
        go(location.hash);
      }, { class: 'secondary', confirm: `Cancel ${r.class_title}?` }))],
    ])] : null,
    h('h2', null, 'Groups'),
    table(m.groups, [
      ['Group', (r) => r.name],
      ['Since', (r) => day(r.since)],
      ['Until', (r) => day(r.until)],
    ], 'In no group.'),
    storageSection(slots),
    serviceOrderSection(m, serviceOrders, recurring),
    h('h2', null, 'Contacts'),
    table(m.contacts, [
      ['Role', (r) => r.role],
      ['Name', (r) => r.name],
      ['E-mail', (r) => r.email],
      ['Phone', (r) => r.phone],
      ['', (r) => action('Remove', async () => { await call('contact_remove', { contact_id: r.id }); go(location.hash); }, { class: 'secondary' })],
    ], 'No contact.'),
  );
  main.append(
    details('Add a contact', form({
      fields: [
        { name: 'role', label: 'Role (e.g. emergency, billing)', required: true },
        { name: 'name', label: 'Name', required: true },
        { name: 'email', label: 'E-mail', type: 'email' },
        { name: 'phone', label: 'Phone', type: 'tel' },
      ],
      submit: 'Add the contact',
      onSubmit: async (v) => { await call('contact_add', { member_id: m.id, ...v }); go(location.hash); },
    })),
    details('Name and e-mail', form({
      fields: [
        { name: 'name', label: 'Name', required: true, value: m.name },
        { name: 'email', label: 'E-mail', type: 'email', required: true, value: m.email },
      ],
      submit: 'Save',
      onSubmit: async (v) => { await call('member_update', { member_id: m.id, ...v }); go(location.hash); },
    })),
    details(`PayPal e-mail: ${m.paypal_email || 'none'}`, form({
      fields: [{ name: 'paypal_email', label: 'The e-mail address you pay from on PayPal', type: 'email', required: true, value: m.paypal_email || '' }],
      submit: 'Set',
      onSubmit: async (v) => { await call('member_paypal_email_set', { member_id: m.id, paypal_email: v.paypal_email }); go(location.hash); },
    }), form({
      fields: [{ name: 'code', label: 'Code sent to that address', required: true }],
      submit: 'Confirm the address',
      onSubmit: async (v) => { await call('member_paypal_email_confirm', { member_id: m.id, code: v.code }); go(location.hash); },
    })),
  );
  if (ms.status && ms.is_membership !== false) {
    main.append(details('Resign', form({
      fields: [
        { name: 'on_date', label: 'Last day', type: 'date', required: true, value: today() },
        { name: 'why', label: 'Why (optional)', type: 'textarea', rows: 2 },
      ],
      submit: 'Resign',
      onSubmit: async (v) => { await call('membership_resign', { member_id: m.id, ...v }); go(location.hash); },
    })));
  }
  if (staff) main.append(await staffMemberActions(m));
  return main;
}

/** An invoice as a page fit for paper. */
export async function invoicePage(id) {
  const inv = await call('invoice_get', { invoice_id: id });
  const member = await call('member_get', { member_id: inv.member_id }).catch(() => null);
  const lines = (inv.lines || []).filter((l) => !l.void);
  return h(
    'article',
    { class: 'invoice', id: 'invoice' },
    h('p', { class: 'noprint' }, h('button', { type: 'button', onclick: () => window.print() }, 'Print'), ' ',
      link(`#/members/${inv.member_id}`, 'Back to the member page')),
    h('header', null,
      h('div', null, h('h1', null, `Invoice ${inv.number}`), badge(inv.status)),
      h('div', { class: 'from' }, h('strong', null, inv.provider), inv.provider !== ctx.site.name ? [h('br'), ctx.site.name] : null)),
    facts([
      ['To', member ? `${member.name} (member ${member.id})` : `member ${inv.member_id}`],
      member ? ['E-mail', member.email] : null,
      ['Issued', day(inv.issue_date)],
      ['Due', day(inv.due_date)],
    ]),
    table(lines, [
      ['Description', (l) => l.description],
      ['Period', (l) => (l.period_start ? `${day(l.period_start)} – ${day(l.period_end)}` : '')],
      ['Amount', (l) => money(l.amount, inv.currency), { num: true }],
    ], 'No line.'),
    h('table', { class: 'totals' }, h('tbody', null,
      h('tr', null, h('th', { scope: 'row' }, 'Total'), h('td', { class: 'num' }, money(inv.total, inv.currency))),
      h('tr', null, h('th', { scope: 'row' }, 'Settled'), h('td', { class: 'num' }, money(inv.settled, inv.currency))),
      h('tr', { class: 'due' }, h('th', { scope: 'row' }, 'Amount due'), h('td', { class: 'num' }, money(inv.amount_due, inv.currency))))),
    Number(inv.amount_due) > 0 && ctx.site.bank_transfer_account
      ? h('p', null, `Please pay ${money(inv.amount_due, inv.currency)} by ${day(inv.due_date)} to ${ctx.site.bank_transfer_account}, reference ${inv.number}.`)
      : null,
  );
}

export function homePage() {
  return h(
    'section',
    { class: 'home' },
    h('h1', null, ctx.site.name),
    h('p', null, 'Your membership, your classes and what you owe, in one place.'),
    h('p', null, h('a', { class: 'button', href: '#/signin' }, 'Sign in'), ' ', h('a', { class: 'button secondary', href: '#/apply' }, 'Apply for membership')),
    h('p', null, link('#/classes', 'See the classes open to everyone')),
  );
}

export { errorBox, notFound, ApiError };
