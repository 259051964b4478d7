/** A small DOM builder: the console has few enough pages that a framework would cost more than it saves. */

type Child = Node | string | number | null | undefined | false;
type Attributes = Record<string, string | number | boolean | EventListener | null | undefined>;

/**
 * Creates an element. Attributes starting with `on` become event listeners; `false`, `null` and
 * `undefined` attributes are left out; children that are strings become text nodes (never HTML).
 *
 * @example h('button', { class: 'primary', onclick: () => save() }, '保存')
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

function append(parent: Node, children: (Child | Child[])[]): void {
  for (const child of children) {
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.appendChild(child);
    else if (child !== null && child !== undefined && child !== false) parent.appendChild(document.createTextNode(String(child)));
  }
}

/** Replaces every child of `parent` with `children`. */
export function replaceChildren(parent: Element, ...children: (Child | Child[])[]): void {
  parent.textContent = '';
  append(parent, children);
}

/** Pretty-printed JSON in a <pre>. */
export function jsonBlock(value: unknown): HTMLPreElement {
  return h('pre', { class: 'json' }, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
}

/** Sandbox time (unix ms) as China time, `YYYY-MM-DD HH:mm:ss`, the platform's wire format. */
export function formatTime(ms: number | string | null | undefined): string {
  if (ms === null || ms === undefined || ms === '') return '';
  const value = typeof ms === 'string' ? Number(ms) : ms;
  if (!Number.isFinite(value)) return String(ms);
  // China has had no daylight-saving time since 1991, so UTC+8 is exact.
  return new Date(value + 8 * 3600 * 1000).toISOString().replace('T', ' ').slice(0, 19);
}
