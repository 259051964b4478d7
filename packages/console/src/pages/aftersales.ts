import { h, replaceChildren } from '../dom.js';
import { language, t } from '../i18n.js';
import { AFTERSALE_BUYER_ACTIONS, AFTERSALE_STATUS, label } from '../states.js';
import { heading, needApp, type Page } from '../ui.js';
import { actionButton, field, resourceList } from './resource.js';

/** Makes up the waybill of the goods the buyer sends back: an SF Express number from the current time. */
function returnWaybill(): Record<string, string> {
  return { delivery_id: 'SF', delivery_name: '顺丰速运', waybill_id: `SF${Date.now()}` };
}

export const aftersalesPage: Page = (root, context) => {
  if (!context.appid) return void replaceChildren(root, needApp());
  const appid = context.appid;
  const text = t().aftersales;
  const lang = language();
  const actionLabels: Record<string, string> = { cancel: text.cancelAftersale, update: text.update, return: text.shipBack };

  const list = resourceList({
    path: `/apps/${appid}/aftersales`,
    field: 'aftersales',
    testid: 'aftersales',
    columns: [
      { title: text.id, cell: (item) => h('code', {}, field(item, 'aftersale_id')) },
      { title: text.orderId, cell: (item) => h('code', {}, field(item, 'order_id')) },
      { title: text.type, cell: (item) => field(item, 'type') },
      { title: t().status, cell: (item) => h('span', { class: 'badge' }, label(AFTERSALE_STATUS, item.status, lang)) },
      { title: text.refund, cell: (item) => field(item, 'orderamt') || field(item, 'refund') },
    ],
    actions: (item, act) => {
      const id = field(item, 'aftersale_id');
      const status = Number(item.status);
      return AFTERSALE_BUYER_ACTIONS.filter((action) => action.from.includes(status)).map((action) =>
        actionButton(actionLabels[action.action] ?? action.action, () => act('POST', `/apps/${appid}/aftersales/${id}/${action.action}`, action.action === 'return' ? returnWaybill() : {}), `aftersale-${action.action}-${id}`),
      );
    },
  });

  replaceChildren(root, heading(text.heading, () => void list.refresh()), list.element);
  void list.refresh();
};
