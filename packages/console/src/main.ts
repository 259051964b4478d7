import './style.css';
import { adminCall, adminKey, setAdminKey } from './admin.js';
import { h, replaceChildren } from './dom.js';
import { language, setLanguage, t } from './i18n.js';
import { aftersalesPage } from './pages/aftersales.js';
import { appsPage, type App } from './pages/apps.js';
import { buyersPage } from './pages/buyers.js';
import { clockPage } from './pages/clock.js';
import { couponFaultsPage } from './pages/coupon-faults.js';
import { couponsPage } from './pages/coupons.js';
import { deliveriesPage } from './pages/deliveries.js';
import { errorCodesPage } from './pages/error-codes.js';
import { eventsPage } from './pages/events.js';
import { faultsPage } from './pages/faults.js';
import { legacyAftersalesPage } from './pages/legacy-aftersales.js';
import { onboardingPage } from './pages/onboarding.js';
import { ordersPage } from './pages/orders.js';
import { productsPage } from './pages/products.js';
import { pushPage } from './pages/push.js';
import { quotaPage } from './pages/quota.js';
import { requestsPage } from './pages/requests.js';
import { sharersPage } from './pages/sharers.js';
import { wordsPage } from './pages/words.js';
import { wxpayPage } from './pages/wxpay.js';
import { errorNotice, type Page } from './ui.js';

const PAGES = {
  apps: appsPage,
  onboarding: onboardingPage,
  wxpay: wxpayPage,
  words: wordsPage,
  products: productsPage,
  buyers: buyersPage,
  orders: ordersPage,
  aftersales: aftersalesPage,
  legacyAftersales: legacyAftersalesPage,
  coupons: couponsPage,
  couponFaults: couponFaultsPage,
  sharers: sharersPage,
  events: eventsPage,
  deliveries: deliveriesPage,
  push: pushPage,
  requests: requestsPage,
  quota: quotaPage,
  faults: faultsPage,
  clock: clockPage,
  errorCodes: errorCodesPage,
} satisfies Record<string, Page>;

type PageName = keyof typeof PAGES;

const APP_STORAGE = 'wxshop.console.appid';

function currentPage(): PageName {
  const name = location.hash.replace(/^#\/?/, '').split('/')[0] ?? '';
  return name in PAGES ? (name as PageName) : 'apps';
}

function storedAppid(): string | null {
  try {
    return localStorage.getItem(APP_STORAGE);
  } catch {
    return null;
  }
}

function storeAppid(appid: string): void {
  try {
    localStorage.setItem(APP_STORAGE, appid);
  } catch {
    // Storage was rejected, so the choice lasts until the next reload.
  }
}

let stopPage: (() => void) | undefined;
let apps: App[] = [];
let appsError: unknown;

async function loadApps(): Promise<void> {
  try {
    apps = (await adminCall<{ apps: App[] }>('GET', '/apps')).apps;
    appsError = undefined;
  } catch (error) {
    apps = [];
    appsError = error;
  }
}

function chosenAppid(): string | null {
  const stored = storedAppid();
  if (stored && apps.some((app) => app.appid === stored)) return stored;
  return apps[0]?.appid ?? null;
}

function header(): HTMLElement {
  const text = t();
  const appid = chosenAppid();
  const select = h(
    'select',
    { 'aria-label': text.app, 'data-testid': 'app-select' },
    apps.map((app) => h('option', { value: app.appid, selected: app.appid === appid }, `${app.name} (${app.appid})`)),
  );
  select.addEventListener('change', () => {
    storeAppid(select.value);
    render();
  });

  const switcher = h('button', { type: 'button', class: 'secondary', 'data-testid': 'language-switch' }, text.switchLanguage);
  switcher.addEventListener('click', () => {
    setLanguage(language() === 'zh' ? 'en' : 'zh');
    render();
  });

  const keyInput = h('input', { type: 'password', value: adminKey(), size: 18, 'aria-label': text.adminKey });
  keyInput.addEventListener('change', async () => {
    setAdminKey(keyInput.value);
    await start();
  });

  return h(
    'header',
    { class: 'top' },
    h('h1', {}, text.title),
    h('label', {}, `${text.app} `, select),
    switcher,
    h('details', { class: 'key' }, h('summary', {}, text.adminKey), h('p', { class: 'hint' }, text.adminKeyHint), keyInput),
  );
}

function nav(active: PageName): HTMLElement {
  const names = t().nav;
  return h(
    'nav',
    {},
    h('ul', {}, (Object.keys(PAGES) as PageName[]).map((name) => h('li', {}, h('a', {
      href: `#/${name}`,
      class: name === active ? 'active' : '',
      'data-testid': `nav-${name}`,
      // The hash does not change on a click on the current page, so draw it again here.
      onclick: () => { if (name === active) render(); },
    }, names[name])))),
  );
}

/** Draws the whole console for the current page, app and language. */
function render(): void {
  stopPage?.();
  stopPage = undefined;
  const root = document.getElementById('root')!;
  document.title = t().title;
  const page = currentPage();
  const main = h('main', { 'data-page': page });
  replaceChildren(root, header(), h('div', { class: 'layout' }, nav(page), main));
  if (appsError !== undefined) main.append(errorNotice(appsError));
  const stop = PAGES[page](main, { appid: chosenAppid(), reload: () => void start() });
  if (typeof stop === 'function') stopPage = stop;
}

async function start(): Promise<void> {
  await loadApps();
  render();
}

setLanguage(language());
window.addEventListener('hashchange', render);
void start();
