import { describeInChinese, ERROR_CODES } from '@wxshop/api';
import { h, replaceChildren } from '../dom.js';
import { language, t } from '../i18n.js';
import { heading, table, type Page } from '../ui.js';

/** Lists the error catalogue with a search box that matches codes, messages and explanations. */
export const errorCodesPage: Page = (root) => {
  const text = t().errorCodes;
  const search = h('input', { type: 'search', placeholder: text.search, 'aria-label': text.search, size: 40, 'data-testid': 'error-search' });
  const list = h('div', { 'data-testid': 'error-codes' });

  const render = () => {
    const query = search.value.trim().toLowerCase();
    const entries = ERROR_CODES.filter((entry) => {
      if (query === '') return true;
      const haystack = [String(entry.code), entry.message, entry.description, describeInChinese(entry.code) ?? ''].join('\n').toLowerCase();
      return haystack.includes(query);
    });
    const chineseFirst = language() === 'zh';
    replaceChildren(list, h('p', { class: 'hint' }, text.count(entries.length)), table(
      [text.code, text.message, chineseFirst ? text.chinese : text.english, chineseFirst ? text.english : text.chinese],
      entries.map((entry) => {
        const chinese = describeInChinese(entry.code) ?? '';
        return [h('code', {}, String(entry.code)), entry.message, chineseFirst ? chinese : entry.description, chineseFirst ? entry.description : chinese];
      }),
    ));
  };

  search.addEventListener('input', render);
  replaceChildren(root, heading(text.heading), h('p', {}, search), list);
  render();
};
