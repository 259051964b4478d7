import { h, replaceChildren } from '../dom.js';
import { t } from '../i18n.js';
import { heading, needApp, type Page } from '../ui.js';
import { field, resourceList } from './resource.js';

export const couponsPage: Page = (root, context) => {
  if (!context.appid) return void replaceChildren(root, needApp());
  const appid = context.appid;
  const text = t().coupons;

  const coupons = resourceList({
    path: `/apps/${appid}/coupons`,
    field: 'coupons',
    testid: 'coupons',
    columns: [
      { title: text.id, cell: (item) => h('code', {}, field(item, 'coupon_id')) },
      { title: text.name, cell: (item) => field((item.coupon_info as Record<string, unknown> | undefined) ?? item, 'name') },
      { title: text.type, cell: (item) => field(item, 'type') },
      { title: t().status, cell: (item) => field(item, 'status') },
      { title: text.stock, cell: (item) => field((item.stock_info as Record<string, unknown> | undefined) ?? item, 'issued_num') },
    ],
  });
  const userCoupons = resourceList({
    path: `/apps/${appid}/user-coupons`,
    field: 'user_coupons',
    testid: 'user-coupons',
    columns: [
      { title: text.openid, cell: (item) => field(item, 'openid') },
      { title: text.id, cell: (item) => h('code', {}, field(item, 'coupon_id')) },
      { title: t().status, cell: (item) => field(item, 'status') },
    ],
  });

  const refresh = () => Promise.all([coupons.refresh(), userCoupons.refresh()]);
  replaceChildren(root, heading(text.heading, () => void refresh()), h('h3', {}, text.coupons), coupons.element, h('h3', {}, text.userCoupons), userCoupons.element);
  void refresh();
};
