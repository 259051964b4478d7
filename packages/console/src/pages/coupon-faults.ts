import { adminCall } from '../admin.js';
import { h, replaceChildren } from '../dom.js';
import { t } from '../i18n.js';
import { button, errorNotice, heading, needApp, notice, table, type Page } from '../ui.js';

/** A coupon fault step as GET /apps/:appid/coupons/faults lists it. */
interface CouponFault {
  step: string;
  errcode: number;
  remaining: number;
}

/** The wire call each step belongs to, as docs/admin-api.md lists it. */
const STEP_PATHS: Record<string, string> = {
  activate: '/shop/coupon/update_status (→ 2)',
  activate_stock_exists: '/shop/coupon/update_status (→ 2)',
  void: '/shop/coupon/update_status (→ 4)',
  stock_fix: '/shop/coupon/update_coupon_stock',
  claim_rush: '/shop/coupon/add_user_coupon',
  user_status: '/shop/coupon/update_usercoupon_status',
  user_status_second: '/shop/coupon/update_usercoupon_status',
};

/** Draws the coupon platform's internal failures and arms one per app for the next calls of one step. */
export const couponFaultsPage: Page = (root, context) => {
  if (!context.appid) return void replaceChildren(root, needApp());
  const appid = context.appid;
  const text = t().couponFaults;
  const message = h('div', {});
  const body = h('div', {});

  const arm = async (step: string, count: number) => {
    try {
      await adminCall('POST', `/apps/${appid}/coupons/faults`, { step, count });
      replaceChildren(message, notice('success', text.armed(step, count)));
    } catch (error) {
      replaceChildren(message, errorNotice(error));
    }
    await load();
  };

  const load = async () => {
    try {
      const { faults } = await adminCall<{ faults: CouponFault[] }>('GET', `/apps/${appid}/coupons/faults`);
      const rows = faults.map((fault) => {
        const count = h('input', { type: 'number', min: 1, max: 1000, value: 1, size: 5, 'aria-label': `${text.count} ${fault.step}`, 'data-testid': `coupon-fault-count-${fault.step}` });
        return [
          h('code', {}, fault.step),
          h('code', {}, STEP_PATHS[fault.step] ?? ''),
          String(fault.errcode),
          h('span', { class: fault.remaining > 0 ? 'badge danger' : 'badge', 'data-testid': `coupon-fault-remaining-${fault.step}` }, String(fault.remaining)),
          h(
            'div',
            { class: 'row-actions' },
            count,
            button(text.arm, () => arm(fault.step, Number(count.value)), { 'data-testid': `coupon-fault-arm-${fault.step}` }),
            fault.remaining > 0 ? button(text.disarm, () => arm(fault.step, 0), { class: 'secondary', 'data-testid': `coupon-fault-disarm-${fault.step}` }) : null,
          ),
        ];
      });
      replaceChildren(body, table([text.step, text.path, text.errcode, text.remaining, t().actions], rows, { 'data-testid': 'coupon-faults' }));
    } catch (error) {
      replaceChildren(body, errorNotice(error));
    }
  };

  replaceChildren(root, heading(text.heading, () => void load()), h('p', { class: 'hint' }, text.hint), message, body);
  void load();
};
