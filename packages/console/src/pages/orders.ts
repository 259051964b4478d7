import { h, replaceChildren } from '../dom.js';
import { language, t } from '../i18n.js';
import { AFTERSALE_OPEN_FROM, label, ORDER_BUYER_ACTIONS, ORDER_STATUS, ORDER_TRANSITIONS } from '../states.js';
import { heading, needApp, type Page } from '../ui.js';
import { actionButton, field, resourceList, type Item } from './resource.js';

/** Draws the order lifecycle as a list of steps, taken from the transition table. */
function lifecycle(): HTMLElement {
  const lang = language();
  return h(
    'details',
    { class: 'lifecycle', open: true },
    h('summary', {}, t().orders.lifecycle),
    h('ul', {}, ORDER_TRANSITIONS.map((step) => h('li', {}, `${step.from.map((from) => label(ORDER_STATUS, from, lang)).join(' / ')} → ${label(ORDER_STATUS, step.to, lang)} : ${step.by[lang]}`))),
  );
}

/** Builds the buyer's refund-only aftersale request for the order's first line, at its full price. */
function refundRequest(order: Item, reason: string): Item | undefined {
  const detail = order.order_detail as Item | undefined;
  const line = (detail?.product_infos as Item[] | undefined)?.[0];
  if (!line) return undefined;
  const amount = Number(line.sku_real_price ?? line.real_price ?? line.sale_price ?? 0) * Number(line.product_cnt ?? 1);
  return {
    type: 1,
    product_info: { out_product_id: line.out_product_id, out_sku_id: line.out_sku_id, product_cnt: line.product_cnt },
    orderamt: amount,
    refund_reason: reason,
    refund_reason_type: 1,
  };
}

export const ordersPage: Page = (root, context) => {
  if (!context.appid) return void replaceChildren(root, needApp());
  const appid = context.appid;
  const text = t().orders;
  const lang = language();
  const actionLabels: Record<string, string> = { pay: text.pay, cancel: text.cancelOrder, confirm: text.confirmReceive };

  const list = resourceList({
    path: `/apps/${appid}/orders`,
    field: 'orders',
    testid: 'orders',
    columns: [
      { title: text.orderId, cell: (item) => h('code', {}, field(item, 'order_id')) },
      { title: text.outOrderId, cell: (item) => field(item, 'out_order_id') },
      { title: text.openid, cell: (item) => field(item, 'openid') },
      { title: t().status, cell: (item) => h('span', { class: 'badge', 'data-testid': 'order-status' }, label(ORDER_STATUS, item.status, lang)) },
      { title: text.amount, cell: (item) => field((item.order_detail as Item | undefined)?.price_info as Item ?? item, 'order_price') },
    ],
    actions: (item: Item, act) => {
      const id = field(item, 'order_id');
      const status = Number(item.status);
      const buttons = ORDER_BUYER_ACTIONS.filter((action) => action.from.includes(status)).map((action) =>
        actionButton(actionLabels[action.action] ?? action.action, () => act('POST', `/apps/${appid}/orders/${id}/${action.action}`), `order-${action.action}-${id}`),
      );
      if (AFTERSALE_OPEN_FROM.includes(status)) {
        const request = refundRequest(item, text.aftersaleReason);
        if (request) buttons.push(actionButton(text.applyAftersale, () => act('POST', `/apps/${appid}/orders/${id}/aftersales`, request), `order-aftersale-${id}`, 'secondary'));
      }
      return buttons.length > 0 ? buttons : [h('span', { class: 'hint' }, text.noAction)];
    },
  });

  replaceChildren(root, heading(text.heading, () => void list.refresh()), lifecycle(), list.element);
  void list.refresh();
};
