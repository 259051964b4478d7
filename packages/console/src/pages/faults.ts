import { adminCall } from '../admin.js';
import { h, replaceChildren } from '../dom.js';
import { t } from '../i18n.js';
import { errorNotice, heading, type Page } from '../ui.js';
import { actionButton, field, resourceList } from './resource.js';

export const faultsPage: Page = (root, context) => {
  const text = t().faults;
  const message = h('div', {});

  const list = resourceList({
    path: '/faults',
    field: 'faults',
    testid: 'faults',
    columns: [
      { title: 'ID', cell: (item) => field(item, 'id') },
      { title: t().app, cell: (item) => field(item, 'appid') || '*' },
      { title: text.path, cell: (item) => h('code', {}, field(item, 'path')) },
      { title: text.action, cell: (item) => text.actions[field(item, 'action') as keyof typeof text.actions] ?? field(item, 'action') },
      { title: text.errcode, cell: (item) => field(item, 'errcode') },
      { title: text.latency, cell: (item) => field(item, 'latency_ms') },
      { title: text.probability, cell: (item) => field(item, 'probability') },
      { title: text.remaining, cell: (item) => field(item, 'remaining') || '∞' },
    ],
    actions: (item, act) => [actionButton(text.remove, () => act('DELETE', `/faults/${field(item, 'id')}`), `fault-remove-${field(item, 'id')}`, 'danger')],
  });

  const path = h('input', { placeholder: '/shop/spu/add', size: 24, 'aria-label': text.path, 'data-testid': 'fault-path' });
  const action = h(
    'select',
    { 'aria-label': text.action, 'data-testid': 'fault-action' },
    (Object.keys(text.actions) as (keyof typeof text.actions)[]).map((name) => h('option', { value: name }, text.actions[name])),
  );
  const thisApp = h('input', { type: 'checkbox', checked: context.appid !== null, disabled: context.appid === null });
  const probability = h('input', { type: 'number', min: 0, max: 1, step: 0.05, placeholder: '1', size: 6, 'aria-label': text.probability });
  const errcode = h('input', { type: 'number', placeholder: '-1', size: 10, 'aria-label': text.errcode, 'data-testid': 'fault-errcode' });
  const latency = h('input', { type: 'number', min: 0, placeholder: '0', size: 8, 'aria-label': text.latency });
  const count = h('input', { type: 'number', min: 1, placeholder: '∞', size: 6, 'aria-label': text.remaining });
  const form = h(
    'form',
    { class: 'inline-form' },
    h('label', {}, text.path, ' ', path),
    h('label', {}, text.action, ' ', action),
    h('label', {}, text.errcode, ' ', errcode),
    h('label', {}, text.latency, ' ', latency),
    h('label', {}, text.probability, ' ', probability),
    h('label', {}, text.remaining, ' ', count),
    h('label', {}, thisApp, ' ', text.thisApp),
    h('button', { type: 'submit', 'data-testid': 'fault-add' }, text.add),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body: Record<string, unknown> = { path: path.value.trim(), action: action.value };
    if (context.appid && thisApp.checked) body.appid = context.appid;
    if (errcode.value !== '' && action.value === 'errcode') body.errcode = Number(errcode.value);
    if (probability.value !== '') body.probability = Number(probability.value);
    if (latency.value !== '') body.latency_ms = Number(latency.value);
    if (count.value !== '') body.count = Number(count.value);
    try {
      await adminCall('POST', '/faults', body);
      replaceChildren(message);
    } catch (error) {
      replaceChildren(message, errorNotice(error));
    }
    await list.refresh();
  });

  replaceChildren(root, heading(text.heading, () => void list.refresh()), message, list.element, h('h3', {}, text.add), form);
  void list.refresh();
};
