import { adminCall, stableToken } from '../admin.js';
import { formatTime, h, replaceChildren } from '../dom.js';
import { t } from '../i18n.js';
import { button, errorNotice, heading, notice, table, type Page } from '../ui.js';

export interface App {
  appid: string;
  secret: string;
  name: string;
  username: string;
  access_state: string;
  settings: { reviewer?: { mode?: string } };
  created_at: number;
}

/** An access token as GET /apps/:appid/tokens lists it. */
interface Token {
  token: string;
  kind: 'ordinary' | 'stable';
  issued_at: number;
  expires_at: number;
  state: 'valid' | 'overlap' | 'superseded' | 'expired';
}

const ACCESS_STATES = ['not_applied', 'pending_agreement', 'accessed', 'banned'] as const;

export const appsPage: Page = (root, context) => {
  const text = t().apps;
  const list = h('div', {});
  const message = h('div', {});

  const render = async () => {
    replaceChildren(list, t().loading);
    try {
      const { apps } = await adminCall<{ apps: App[] }>('GET', '/apps');
      replaceChildren(list, table(
        [text.appid, text.secret, text.name, text.username, text.access, text.reviewer, text.created],
        apps.map((app) => [appidCell(app), secretCell(app.secret), app.name, app.username, accessCell(app), reviewerCell(app), formatTime(app.created_at)]),
        { 'data-testid': 'apps-table' },
      ));
    } catch (error) {
      replaceChildren(list, errorNotice(error));
    }
    await renderTokens();
  };

  // Tokens of the app chosen in the header, with a button that asks the wire API for a stable token.
  const tokens = h('div', { 'data-testid': 'tokens' });
  const renderTokens = async () => {
    const app = (await adminCall<{ apps: App[] }>('GET', '/apps').catch(() => ({ apps: [] as App[] }))).apps.find((entry) => entry.appid === context.appid);
    if (!app) return void replaceChildren(tokens);
    const output = h('div', { class: 'token' });
    const fetchToken = button(text.getStableToken, async () => {
      const reply = await stableToken(app.appid, app.secret);
      if (typeof reply.access_token === 'string') {
        replaceChildren(output, h('code', { class: 'token-value', 'data-testid': 'stable-token' }, reply.access_token), ' ', text.tokenResult(reply.expires_in ?? 0));
      } else {
        replaceChildren(output, notice('error', `${reply.errcode}: ${reply.errmsg}`));
      }
      await renderList();
    }, { class: 'secondary' });
    const listBody = h('div', {});
    const renderList = async () => {
      try {
        const reply = await adminCall<{ tokens: Token[] }>('GET', `/apps/${app.appid}/tokens`);
        replaceChildren(listBody, table(
          [text.token, text.kind, text.tokenState, text.issued, text.expires],
          reply.tokens.map((token) => [h('code', { class: 'token-value' }, token.token), token.kind, h('span', { class: `badge ${token.state === 'valid' ? 'ok' : token.state === 'overlap' ? '' : 'danger'}` }, text.states[token.state]), h('span', { class: 'time' }, formatTime(token.issued_at)), h('span', { class: 'time' }, formatTime(token.expires_at))]),
          { 'data-testid': 'token-table' },
        ));
      } catch (error) {
        replaceChildren(listBody, errorNotice(error));
      }
    };
    replaceChildren(tokens, h('h3', {}, `${text.tokens} · ${app.name}`), h('p', { class: 'row-actions' }, fetchToken), output, listBody);
    await renderList();
  };

  const appidCell = (app: App) => h('code', { class: app.appid === context.appid ? 'current' : '' }, app.appid);

  const secretCell = (secret: string) => {
    const value = h('code', {}, '••••••••');
    let shown = false;
    const toggle = h('button', { type: 'button', class: 'link' }, text.show);
    toggle.addEventListener('click', () => {
      shown = !shown;
      value.textContent = shown ? secret : '••••••••';
      toggle.textContent = shown ? text.hide : text.show;
    });
    return h('span', {}, value, ' ', toggle);
  };

  const accessCell = (app: App) => {
    const select = h('select', { 'aria-label': text.access }, ACCESS_STATES.map((state) => h('option', { value: state, selected: state === app.access_state }, `${text.accessStates[state]} (${state})`)));
    select.addEventListener('change', async () => {
      try {
        await adminCall('PUT', `/apps/${app.appid}/access`, { state: select.value });
        replaceChildren(message, notice('success', t().done));
      } catch (error) {
        replaceChildren(message, errorNotice(error));
      }
    });
    return select;
  };

  const reviewerCell = (app: App) => {
    const mode = app.settings.reviewer?.mode ?? 'auto';
    const select = h(
      'select',
      { 'aria-label': text.reviewer, 'data-testid': `reviewer-${app.appid}` },
      h('option', { value: 'auto', selected: mode === 'auto' }, text.reviewerAuto),
      h('option', { value: 'manual', selected: mode === 'manual' }, text.reviewerManual),
    );
    select.addEventListener('change', async () => {
      try {
        await adminCall('PATCH', `/apps/${app.appid}/settings`, { reviewer: { mode: select.value } });
        replaceChildren(message, notice('success', t().done));
      } catch (error) {
        replaceChildren(message, errorNotice(error));
      }
    });
    return select;
  };

  const appidInput = h('input', { name: 'appid', placeholder: 'wx…', size: 20 });
  const secretInput = h('input', { name: 'secret', placeholder: '32 位', size: 34 });
  const nameInput = h('input', { name: 'name', placeholder: text.name, size: 16 });
  const form = h(
    'form',
    { class: 'inline-form' },
    h('label', {}, text.appid, ' ', appidInput),
    h('label', {}, text.secret, ' ', secretInput),
    h('label', {}, text.name, ' ', nameInput),
    h('button', { type: 'submit' }, text.create),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body: Record<string, string> = {};
    if (appidInput.value !== '') body.appid = appidInput.value.trim();
    if (secretInput.value !== '') body.secret = secretInput.value.trim();
    if (nameInput.value !== '') body.name = nameInput.value.trim();
    try {
      await adminCall('POST', '/apps', body);
      context.reload();
    } catch (error) {
      replaceChildren(message, errorNotice(error));
    }
  });

  replaceChildren(root, heading(text.heading, () => void render()), message, list, tokens, h('h3', {}, text.create), h('p', { class: 'hint' }, text.createHint), form);
  void render();
};
