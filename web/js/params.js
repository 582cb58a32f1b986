// Forms generated from a rule's parameter templates (api.rule_list,
// api.class_get): each parameter is drawn from its parameter type's
// input_type, an HTML snippet a DBA writes in dues.parameter_type. Those
// snippets are the one HTML the pages insert as HTML: they are trusted like
// the rest of the schema a DBA writes, and never come from a member. Every
// other value from the database is inserted as text.

import { h } from './lib.js';

let seq = 0;

/**
 * The fields of the parameters of one scope ('class' or 'request'), filled
 * with values; read() answers the object of params to send (empty ones left out).
 */
export function paramFields(parameters, scope, values = {}) {
  const controls = [];
  const elements = [];
  for (const p of parameters || []) {
    if (p.scope !== scope) continue;
    const holder = document.createElement('div');
    holder.innerHTML = p.input_type || '<input type="text">'; // trusted: written by DBAs (see above)
    const control = holder.querySelector('input, select, textarea');
    if (!control) continue;
    const id = `p${++seq}`;
    control.id = id;
    control.name = p.name;
    control.dataset.param = p.name;
    // the snippet may ask for a value; an optional parameter is not required
    if (p.required) control.setAttribute('required', '');
    else control.removeAttribute('required');
    const v = values[p.name] ?? p.value;
    if (v !== undefined && v !== null) control.value = typeof v === 'object' ? JSON.stringify(v) : String(v);
    const help = p.type_description;
    elements.push(
      h(
        'div',
        { class: 'field' },
        h('label', { for: id }, p.description || p.name, p.required ? null : h('span', { class: 'opt' }, ' (optional)')),
        control,
        help ? h('small', null, help) : null,
      ),
    );
    controls.push(control);
  }
  const read = () => {
    const out = {};
    for (const c of controls) {
      const v = c.value.trim();
      if (v === '') continue;
      // a whole-number input is sent as a JSON number, anything else (amounts, dates, text) as a string
      const whole = c.type === 'number' && (c.getAttribute('step') || '1').indexOf('.') < 0 && c.step !== 'any';
      out[c.dataset.param] = whole && /^-?\d+$/.test(v) ? Number(v) : v;
    }
    return out;
  };
  return { elements, read };
}
