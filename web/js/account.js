// Two parts of a member page: the storage slots the member holds (and their
// renewal), and its service orders. The member's own, or any member's for
// staff, who also decide renewals; what anyone may do is the api's answer.

import { ctx, call, h, day, when, table, form, action, details, badge, go, link } from './lib.js';

const reload = () => go(location.hash);

/** Where a slot's latest renewal request stands. */
function renewalState(r) {
  if (!r.renewal_id) return 'not asked';
  if (!r.renewal_decision) {
    return h('span', null, badge('asked', 'pending'), ` ${when(r.renewal_requested_at)}`, r.renewal_note ? h('br') : null,
      r.renewal_note ? h('small', null, r.renewal_note) : null);
  }
  return h('span', null, badge(r.renewal_decision), ` ${when(r.renewal_decided_at)}`, r.renewal_decision_note ? h('br') : null,
    r.renewal_decision_note ? h('small', null, r.renewal_decision_note) : null);
}

/** Staff's decision on an open renewal request: accept (one more term) or reject, with a note to the member. */
export function renewalDecideForm(renewalId) {
  return details('Decide the renewal', form({
    id: `renewal-decide-${renewalId}`,
    fields: [
      { name: 'accept', label: 'Decision (accepting adds one term)', required: true, value: 'true', options: [['true', 'accept'], ['false', 'reject']] },
      { name: 'note', label: 'Note to the member', type: 'textarea', rows: 2 },
    ],
    submit: 'Decide',
    onSubmit: async (v) => {
      await call('storage_renewal_decide', { renewal_id: renewalId, accept: v.accept === 'true', note: v.note });
      reload();
    },
  }));
}

function renewalAction(r) {
  if (r.renewal_id && !r.renewal_decision) return ctx.session.role === 'staff' ? renewalDecideForm(r.renewal_id) : '';
  return details('Ask for a renewal', form({
    id: `storage-renewal-${r.slot_id}`,
    fields: [{ name: 'note', label: 'A note for the staff', type: 'textarea', rows: 2 }],
    submit: 'Ask for a renewal',
    onSubmit: async (v) => { await call('storage_renewal_request', { slot_id: r.slot_id, note: v.note }); reload(); },
  }));
}

/** The storage slots a member holds (api.member_storage_list). */
export function storageSection(slots) {
  return h(
    'div',
    { id: 'storage' },
    h('h2', null, 'Storage'),
    table(slots, [
      ['Slot', (r) => h('strong', null, r.label)],
      ['Type', (r) => r.type_title],
      ['Where', (r) => r.location || ''],
      ['Since', (r) => day(r.starts_on)],
      ['Until', (r) => day(r.expires_on)],
      ['Renewal', (r) => renewalState(r)],
      ['', (r) => renewalAction(r)],
    ], 'No storage slot.'),
  );
}

/** A member's service orders (api.service_order_list): open one, close one whose subscriptions ended. */
export function serviceOrderSection(m, orders, recurring) {
  const titles = new Map((recurring || []).map((r) => [r.class_subscription_id, r.class_title]));
  const subscription = (s) => [
    s.class_id ? link(`#/classes/${s.class_id}`, titles.get(s.class_subscription_id) || `class ${s.class_id}`) : '',
    ` from ${day(s.start_date)}`,
    s.end_date ? ` until ${day(s.end_date)}` : '',
  ];
  return h(
    'div',
    { id: 'service-orders' },
    h('h2', null, 'Service orders'),
    table(orders, [
      ['Name', (r) => r.name],
      ['State', (r) => (r.closed_at ? h('span', null, badge('closed', 'ended'), ` ${when(r.closed_at)}`) : badge('open', 'running'))],
      ['Subscriptions', (r) => (r.subscriptions.length ? h('ul', { class: 'plain' }, r.subscriptions.map((s) => h('li', null, subscription(s)))) : 'none')],
      ['Users', (r) => (r.roles.length ? h('ul', { class: 'plain' }, r.roles.map((x) => h('li', null, `member ${x.member_id}: ${x.role} `,
        r.closed_at ? null : action('Revoke', async () => {
          await call('role_revoke', { member_id: x.member_id, service_order_id: r.service_order_id });
          reload();
        }, { class: 'secondary', confirm: `Take member ${x.member_id}'s role on ${r.name} away?` })))) : 'none')],
      ['', (r) => (r.closed_at ? '' : action('Close', async () => {
        await call('service_order_close', { service_order_id: r.service_order_id });
        reload();
      }, { class: 'secondary', confirm: `Close the service order ${r.name}?` }))],
    ], 'No service order.'),
    details('Open a service order', form({
      id: 'service-order-create',
      fields: [{ name: 'name', label: 'Name (e.g. main site hosting)', required: true }],
      submit: 'Open the service order',
      onSubmit: async (v) => { await call('service_order_create', { member_id: m.id, name: v.name }); reload(); },
    })),
  );
}
