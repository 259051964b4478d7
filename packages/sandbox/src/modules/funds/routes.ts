import type { WireRoute } from '../../server/routes.js';

export const fundsRoutes: WireRoute[] = [
  { path: '/shop/funds/scanorderflow', handler: ({ app, body, services }) => services.funds.scanOrderFlow(app!, body) },
  { path: '/shop/funds/getorderflow', handler: ({ app, body, services }) => services.funds.getOrderFlow(app!, body) },
  { path: '/shop/funds/getbalance', handler: ({ app, services }) => services.funds.getBalance(app!) },
  { path: '/shop/funds/submitwithdraw', handler: ({ app, body, now, services }) => services.funds.submitWithdraw(app!, body, now) },
  { path: '/shop/funds/scanwithdraw', handler: ({ app, body, services }) => services.funds.scanWithdraw(app!, body) },
  { path: '/shop/funds/getwithdrawdetail', handler: ({ app, body, services }) => services.funds.getWithdrawDetail(app!, body) },
  { path: '/shop/funds/setbankaccount', handler: ({ app, body, now, services }) => services.funds.setBankAccount(app!, body, now) },
  { path: '/shop/funds/getbankaccount', handler: ({ app, services }) => services.funds.getBankAccount(app!) },
  { path: '/shop/funds/qrcode/gen', handler: ({ app, body, now, services }) => services.funds.genQrcode(app!, body, now) },
  { path: '/shop/funds/qrcode/get', handler: ({ app, body, now, services }) => services.funds.getQrcode(app!, body, now) },
  { path: '/shop/funds/qrcode/check', handler: ({ app, body, now, services }) => services.funds.checkQrcode(app!, body, now) },
  { path: '/shop/funds/getbanklist', handler: async ({ body, services }) => services.funds.getBankList(body) },
  { path: '/shop/funds/getbankbynum', handler: async ({ body, services }) => services.funds.getBankByNum(body) },
  { path: '/shop/funds/getprovince', handler: async ({ services }) => services.funds.getProvince() },
  { path: '/shop/funds/getcity', handler: async ({ body, services }) => services.funds.getCity(body) },
  { path: '/shop/funds/getsubbranch', handler: async ({ body, services }) => services.funds.getSubBranch(body) },
];
