import { adminCall } from '../admin.js';
import { h, replaceChildren } from '../dom.js';
import { language, t } from '../i18n.js';
import { COUPON_STATUS, label, USER_COUPON_ACTIONS, USER_COUPON_STATUS } from '../states.js';
import { errorNotice, heading, needApp, notice, type Page } from '../ui.js';
import { actionButton, field, resourceList, type Item } from './resource.js';

interface Buyer {
  openid: string;
  nickname: string;
}

export const couponsPage: Page = (root, context) => {
  if (!context.appid) return void replaceChildren(root, needApp());
  const appid = context.appid;
  const text = t().coupons;
  const lang = language();

  // The buyer who claims when a coupon's claim button is pressed.
  const claimant = h('select', { 'aria-label': text.claimAs, 'data-testid': 'coupon-claimant' });
  const callbackUrl = h('input', { type: 'url', size: 40, placeholder: 'http://127.0.0.1:8080/coupon/callback', 'aria-label': text.callbackUrl, 'data-testid': 'coupon-callback-url' });
  const settingsMessage = h('div', {});

  const coupons = resourceList({
    path: `/apps/${appid}/coupons`,
    field: 'coupons',
    testid: 'coupons',
    columns: [
      { title: text.id, cell: (item) => h('code', {}, field(item.coupon as Item, 'out_coupon_id')) },
      { title: text.name, cell: (item) => field((item.coupon as Item).coupon_info as Item, 'name') },
      { title: text.type, cell: (item) => field(item.coupon as Item, 'type') },
      { title: t().status, cell: (item) => h('span', { class: 'badge' }, label(COUPON_STATUS, (item.coupon as Item).status, lang)) },
      {
        title: text.stock,
        cell: (item) => {
          const stock = (item.coupon_stock as Item | null)?.stock_info as Item | undefined;
          return stock ? `${field(stock, 'issued_num')} / ${field(stock, 'receive_num')}` : '';
        },
      },
    ],
    actions: (item, act) => {
      const coupon = item.coupon as Item;
      if (Number(coupon.status) !== 2) return [];
      const outCouponId = field(coupon, 'out_coupon_id');
      return [actionButton(text.claim, () => act('POST', `/apps/${appid}/coupons/claim`, { openid: claimant.value, out_coupon_id: outCouponId }), `coupon-claim-${outCouponId}`)];
    },
    // A claim adds a user coupon.
    afterAction: () => userCoupons.refresh(),
  });
  const userCoupons = resourceList({
    path: `/apps/${appid}/user-coupons`,
    field: 'user_coupons',
    testid: 'user-coupons',
    columns: [
      { title: text.userCouponId, cell: (item) => h('code', {}, field(item, 'out_user_coupon_id')) },
      { title: text.openid, cell: (item) => field(item, 'openid') },
      { title: text.id, cell: (item) => h('code', {}, field(item, 'out_coupon_id')) },
      { title: t().status, cell: (item) => h('span', { class: 'badge', 'data-testid': 'user-coupon-status' }, label(USER_COUPON_STATUS, item.status, lang)) },
    ],
    actions: (item, act) => {
      const status = Number(item.status);
      const ids = { out_coupon_id: field(item, 'out_coupon_id'), out_user_coupon_id: field(item, 'out_user_coupon_id') };
      return USER_COUPON_ACTIONS.filter((action) => action.from.includes(status)).map((action) =>
        actionButton(
          text.userActions[action.action as keyof typeof text.userActions] ?? action.action,
          () => act('POST', `/apps/${appid}/user-coupons/status`, { ...ids, action: action.action }),
          `user-coupon-${action.action}-${ids.out_user_coupon_id}`,
          'secondary',
        ),
      );
    },
  });

  const loadBuyersAndSettings = async () => {
    try {
      const [{ buyers }, { settings }] = await Promise.all([
        adminCall<{ buyers: Buyer[] }>('GET', `/apps/${appid}/buyers`),
        adminCall<{ settings: { callback_url: string | null } }>('GET', `/apps/${appid}/coupon-settings`),
      ]);
      const chosen = claimant.value;
      replaceChildren(claimant, buyers.map((buyer) => h('option', { value: buyer.openid, selected: buyer.openid === chosen }, `${buyer.nickname} (${buyer.openid})`)));
      if (document.activeElement !== callbackUrl) callbackUrl.value = settings.callback_url ?? '';
    } catch (error) {
      replaceChildren(settingsMessage, errorNotice(error));
    }
  };

  const settingsForm = h(
    'form',
    { class: 'inline-form' },
    h('label', {}, text.callbackUrl, ' ', callbackUrl),
    h('button', { type: 'submit', 'data-testid': 'coupon-callback-save' }, t().save),
  );
  settingsForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const url = callbackUrl.value.trim();
      await adminCall('POST', `/apps/${appid}/coupon-settings`, { callback_url: url === '' ? null : url });
      replaceChildren(settingsMessage, notice('success', text.callbackSaved));
    } catch (error) {
      replaceChildren(settingsMessage, errorNotice(error));
    }
  });

  const refresh = () => Promise.all([loadBuyersAndSettings(), coupons.refresh(), userCoupons.refresh()]);
  replaceChildren(
    root,
    heading(text.heading, () => void refresh()),
    h('p', { class: 'hint' }, text.claimHint),
    settingsMessage,
    settingsForm,
    h('p', {}, h('label', {}, text.claimAs, ' ', claimant)),
    h('h3', {}, text.coupons),
    coupons.element,
    h('h3', {}, text.userCoupons),
    userCoupons.element,
  );
  void refresh();
};
