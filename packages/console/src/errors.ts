import { describeInChinese, explain } from '@wxshop/api';
import { h } from './dom.js';
import { language, t } from './i18n.js';

/**
 * Builds the catalogue's explanation of an errcode in Chinese and English (the current language
 * first), with the wire message and the sandbox rule that returned the code.
 */
export function errorExplanation(errcode: number, rule: string | null): HTMLElement {
  const entry = explain(errcode);
  const text = t().requests;
  const chinese = describeInChinese(errcode);
  const rows = [
    [text.chinese, chinese, 'zh-CN'],
    [text.english, entry?.description, 'en'],
  ] as const;
  const ordered = language() === 'zh' ? rows : [rows[1], rows[0]];
  return h(
    'dl',
    { class: 'explanation', 'data-testid': 'error-explanation' },
    h('dt', {}, text.meaning),
    h('dd', {}, entry ? h('code', {}, entry.message === '' ? '(empty)' : entry.message) : text.unknownCode),
    ordered.filter(([, value]) => value !== undefined).flatMap(([title, value, lang]) => [h('dt', {}, title), h('dd', { lang }, value ?? '')]),
    h('dt', {}, text.rule),
    h('dd', {}, h('code', {}, rule ?? '')),
  );
}
