import { AdminHttpError } from './admin.js';
import { h } from './dom.js';
import { t } from './i18n.js';

/** Context passed to every page: the chosen app and a way to re-render the console. */
export interface PageContext {
  appid: string | null;
  /** Re-renders the whole console (after an app is created, say). */
  reload(): void;
}

/** A page draws itself into `root` and may return a function that stops its timers. */
export type Page = (root: HTMLElement, context: PageContext) => void | (() => void);

export function notice(kind: 'info' | 'error' | 'success', ...content: (Node | string)[]): HTMLDivElement {
  return h('div', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status', 'data-testid': `notice-${kind}` }, ...content);
}

/** Turns a failed admin call into an error notice. */
export function errorNotice(error: unknown): HTMLDivElement {
  if (error instanceof AdminHttpError) return notice('error', t().failed(error.status, error.code, error.message));
  return notice('error', error instanceof Error ? error.message : String(error));
}

export function button(label: string, onClick: () => void | Promise<void>, attributes: Record<string, string> = {}): HTMLButtonElement {
  const element = h('button', { type: 'button', ...attributes }, label);
  element.addEventListener('click', async () => {
    element.disabled = true;
    try {
      await onClick();
    } finally {
      element.disabled = false;
    }
  });
  return element;
}

/** Builds a table with a header row. Each row is a list of cells. */
export function table(headers: string[], rows: (Node | string)[][], attributes: Record<string, string> = {}): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty' }, t().empty);
  return h(
    'table',
    attributes,
    h('thead', {}, h('tr', {}, headers.map((header) => h('th', {}, header)))),
    h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((cell) => h('td', {}, cell))))),
  );
}

/** Builds a page heading with a refresh button. */
export function heading(text: string, onRefresh?: () => void): HTMLElement {
  return h('div', { class: 'page-heading' }, h('h2', {}, text), onRefresh ? button(t().refresh, onRefresh, { class: 'secondary' }) : null);
}

/** Builds the notice shown when a page needs an app and none is chosen. */
export function needApp(): HTMLDivElement {
  return notice('info', t().noApps);
}
