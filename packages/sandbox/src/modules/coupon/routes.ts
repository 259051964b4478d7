import type { WireRoute } from '../../server/routes.js';

/** Coupon writes return a bare `{"errcode":0}`, as the platform does. */
export const couponRoutes: WireRoute[] = [
  {
    path: '/shop/coupon/confirm',
    bareSuccess: true,
    handler: ({ app, now, services }) => services.coupons.confirm(app!, now),
  },
  {
    path: '/shop/coupon/add',
    bareSuccess: true,
    handler: ({ app, body, now, services }) => services.coupons.add(app!, body, now),
  },
  {
    path: '/shop/coupon/get',
    handler: ({ app, body, services }) => services.coupons.get(app!, body),
  },
  {
    path: '/shop/coupon/get_list',
    handler: ({ app, body, services }) => services.coupons.getList(app!, body),
  },
  {
    path: '/shop/coupon/update',
    bareSuccess: true,
    handler: ({ app, body, now, services }) => services.coupons.update(app!, body, now),
  },
  {
    path: '/shop/coupon/update_status',
    bareSuccess: true,
    handler: ({ app, body, now, services }) => services.coupons.updateStatus(app!, body, now),
  },
  {
    path: '/shop/coupon/update_coupon_stock',
    bareSuccess: true,
    handler: ({ app, body, now, services }) => services.coupons.updateStock(app!, body, now),
  },
  {
    path: '/shop/coupon/add_user_coupon',
    bareSuccess: true,
    handler: ({ app, body, now, services }) => services.userCoupons.add(app!, body, now),
  },
  {
    path: '/shop/coupon/get_usercoupon_list',
    handler: ({ app, body, services }) => services.userCoupons.list(app!, body),
  },
  {
    path: '/shop/coupon/update_user_coupon',
    bareSuccess: true,
    handler: ({ app, body, now, services }) => services.userCoupons.update(app!, body, now),
  },
  {
    path: '/shop/coupon/update_usercoupon_status',
    bareSuccess: true,
    handler: ({ app, body, now, services }) => services.userCoupons.updateStatus(app!, body, now),
  },
];
