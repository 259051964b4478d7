import { explain, type ErrorCodeEntry } from '@wxshop/api';
import { h } from './dom.js';
import { t } from './i18n.js';

/** The catalogue's explanation of an errcode, with the rule of the sandbox that returned it. */
export function errorExplanation(errcode: number, rule: string | null): HTMLElement {
  const entry: ErrorCodeEntry | undefined = explain(errcode);
  const text = t().requests;
  return h(
    'dl',
    { class: 'explanation', 'data-testid': 'error-explanation' },
    h('dt', {}, text.meaning),
    h('dd', { lang: 'zh-CN' }, entry ? entry.message || '(empty)' : text.unknownCode),
    entry ? [h('dt', {}, text.description), h('dd', { lang: 'en' }, entry.description)] : null,
    h('dt', {}, text.rule),
    h('dd', {}, h('code', {}, rule ?? '')),
  );
}
