import { adminCall } from '../admin.js';
import { h, jsonBlock, replaceChildren } from '../dom.js';
import { t } from '../i18n.js';
import { button, errorNotice, notice, table } from '../ui.js';

export type Item = Record<string, unknown>;

export interface Column {
  title: string;
  cell(item: Item): Node | string;
}

export interface ResourceList {
  /** Admin path of the list, e.g. `/apps/wx…/orders`. */
  path: string;
  /** Field of the reply that contains the list, e.g. `orders`. */
  field: string;
  columns: Column[];
  /** Builds the buttons for one item. They call `act`, so the list refreshes after each action. */
  actions?(item: Item, act: (method: string, path: string, body?: unknown) => Promise<void>): Node[];
  testid: string;
  /** Refreshes other lists that an action changes; runs after each action, with the list's own refresh. */
  afterAction?(): Promise<unknown>;
}

/**
 * Builds a list read from an admin endpoint: a table with a JSON detail and action buttons per row.
 * After each action it shows the outcome and reads the list again.
 */
export function resourceList(options: ResourceList): { element: HTMLElement; refresh(): Promise<void> } {
  const element = h('div', { 'data-testid': options.testid });
  const message = h('div', {});
  const body = h('div', {});
  element.append(message, body);

  const act = async (method: string, path: string, payload?: unknown) => {
    try {
      await adminCall(method, path, payload);
      replaceChildren(message, notice('success', t().done));
    } catch (error) {
      replaceChildren(message, errorNotice(error));
    }
    await Promise.all([refresh(), options.afterAction?.()]);
  };

  const refresh = async () => {
    try {
      const reply = await adminCall<Record<string, unknown>>('GET', options.path);
      const items = Array.isArray(reply[options.field]) ? (reply[options.field] as Item[]) : [];
      // Lists without actions get no empty actions column.
      const headers = [...options.columns.map((column) => column.title), ...(options.actions ? [t().actions] : []), t().details];
      const rows = items.map((item) => [
        ...options.columns.map((column) => column.cell(item)),
        ...(options.actions ? [h('div', { class: 'row-actions' }, options.actions(item, act))] : []),
        h('details', {}, h('summary', {}, 'JSON'), jsonBlock(item)),
      ]);
      replaceChildren(body, table(headers, rows));
    } catch (error) {
      replaceChildren(body, errorNotice(error));
    }
  };

  return { element, refresh };
}

/** Returns a field of an item as text. Ids arrive as strings or numbers. */
export function field(item: Item, name: string): string {
  const value = item[name];
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Creates a button that performs one admin action on an item. */
export function actionButton(label: string, run: () => Promise<void>, testid: string, kind = ''): HTMLButtonElement {
  return button(label, run, { 'data-testid': testid, class: kind });
}
