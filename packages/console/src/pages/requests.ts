import { adminCall } from '../admin.js';
import { formatTime, h, jsonBlock, replaceChildren } from '../dom.js';
import { errorExplanation } from '../errors.js';
import { t } from '../i18n.js';
import { button, errorNotice, heading, needApp, type Page } from '../ui.js';

interface RequestRow {
  rid: string;
  method: string;
  path: string;
  query: string;
  request_body: string | null;
  response_body: string | null;
  errcode: number;
  rule: string | null;
  invoke_time: number;
  cost_ms: number;
}

/** How often the log is read again while the page is open. */
const POLL_INTERVAL_MS = 2000;

function prettyBody(body: string | null): HTMLElement {
  if (body === null || body === '') return h('span', { class: 'hint' }, '—');
  try {
    return jsonBlock(JSON.parse(body));
  } catch {
    return jsonBlock(body);
  }
}

export const requestsPage: Page = (root, context) => {
  if (!context.appid) return void replaceChildren(root, needApp());
  const appid = context.appid;
  const text = t().requests;
  const list = h('div', { 'data-testid': 'request-log' });
  const status = h('span', { class: 'hint' }, text.polling);
  // Rows the reader opened stay open across refreshes.
  const open = new Set<string>();
  let paused = false;
  const errorsOnly = h('input', { type: 'checkbox', 'data-testid': 'errors-only' });
  errorsOnly.addEventListener('change', () => void render());
  let timer: number | undefined;

  const row = (request: RequestRow) => {
    const failed = request.errcode !== 0;
    const details = h(
      'details',
      { open: open.has(request.rid) },
      h('summary', {}, `${text.request} / ${text.response}`),
      h('div', { class: 'copies' }, h('section', {}, h('h4', {}, text.request), h('code', {}, request.query), prettyBody(request.request_body)), h('section', {}, h('h4', {}, text.response), prettyBody(request.response_body))),
    );
    details.addEventListener('toggle', () => (details.open ? open.add(request.rid) : open.delete(request.rid)));
    return h(
      'article',
      { class: `request ${failed ? 'failed' : 'ok'}`, 'data-testid': `request-${request.rid}`, 'data-errcode': String(request.errcode) },
      h(
        'header',
        {},
        h('span', { class: 'time' }, formatTime(request.invoke_time)),
        h('code', {}, `${request.method} ${request.path}`),
        h('span', { class: `badge ${failed ? 'danger' : 'ok'}` }, `errcode ${request.errcode}`),
        h('span', { class: 'hint' }, `rid ${request.rid} · ${text.cost} ${request.cost_ms} ms`),
      ),
      failed ? errorExplanation(request.errcode, request.rule) : null,
      details,
    );
  };

  const render = async () => {
    try {
      const { requests } = await adminCall<{ requests: RequestRow[] }>('GET', `/apps/${appid}/requests?limit=100`);
      const shown = errorsOnly.checked ? requests.filter((request) => request.errcode !== 0) : requests;
      replaceChildren(list, shown.length === 0 ? h('p', { class: 'empty' }, t().empty) : shown.map(row));
    } catch (error) {
      replaceChildren(list, errorNotice(error));
    }
  };

  const schedule = () => {
    timer = window.setTimeout(async () => {
      if (!paused) await render();
      schedule();
    }, POLL_INTERVAL_MS);
  };

  const toggle = button(text.pause, () => {
    paused = !paused;
    toggle.textContent = paused ? text.resume : text.pause;
    status.textContent = paused ? text.paused : text.polling;
  }, { class: 'secondary' });

  replaceChildren(root, heading(text.heading, () => void render()), h('p', { class: 'row-actions' }, status, toggle, h('label', {}, errorsOnly, ' ', text.errorsOnly)), h('p', { class: 'hint' }, text.scope), list);
  void render();
  schedule();
  return () => window.clearTimeout(timer);
};
