import { formatTime, h, replaceChildren } from '../dom.js';
import { language, t } from '../i18n.js';
import { label, V1_AFTERSALE_STATUS, V1_AFTERSALE_STATUSES } from '../states.js';
import { heading, needApp, type Page } from '../ui.js';
import { field, resourceList } from './resource.js';

/** Draws the v1 (2021 flow) after-sales, read only because the merchant reports every status over the wire. */
export const legacyAftersalesPage: Page = (root, context) => {
  if (!context.appid) return void replaceChildren(root, needApp());
  const appid = context.appid;
  const text = t().legacyAftersales;
  const lang = language();

  const filter = h(
    'select',
    { 'aria-label': text.filter, 'data-testid': 'legacy-status-filter' },
    h('option', { value: '' }, text.all),
    V1_AFTERSALE_STATUSES.map((status) => h('option', { value: String(status) }, label(V1_AFTERSALE_STATUS, status, lang))),
  );

  const listFor = (status: string) =>
    resourceList({
      path: `/apps/${appid}/legacy-aftersales${status === '' ? '' : `?status=${status}`}`,
      field: 'aftersales',
      testid: 'legacy-aftersales',
      columns: [
        { title: text.outAftersaleId, cell: (item) => h('code', {}, field(item, 'out_aftersale_id')) },
        { title: text.outOrderId, cell: (item) => h('code', {}, field(item, 'out_order_id')) },
        { title: text.type, cell: (item) => text.types[Number(item.type)] ?? field(item, 'type') },
        {
          title: t().status,
          cell: (item) => h('span', { class: 'badge', 'data-testid': `legacy-status-${field(item, 'out_aftersale_id')}` }, label(V1_AFTERSALE_STATUS, item.status, lang)),
        },
        { title: text.refund, cell: (item) => field(item, 'refund') },
        { title: text.reason, cell: (item) => [field(item, 'refund_reason'), Number(item.finish_all_aftersale) === 1 ? ` (${text.finished})` : ''].join('') },
        { title: text.updated, cell: (item) => h('span', { class: 'time' }, formatTime(item.updated_at as number)) },
      ],
    });

  let list = listFor('');
  const holder = h('div', {}, list.element);
  filter.addEventListener('change', () => {
    list = listFor(filter.value);
    replaceChildren(holder, list.element);
    void list.refresh();
  });

  replaceChildren(
    root,
    heading(text.heading, () => void list.refresh()),
    h('p', { class: 'hint' }, text.hint),
    h('p', {}, h('label', {}, text.filter, ' ', filter)),
    holder,
  );
  void list.refresh();
};
