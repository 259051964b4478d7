import { adminCall } from '../admin.js';
import { h, replaceChildren } from '../dom.js';
import { t } from '../i18n.js';
import { button, errorNotice, heading, needApp, notice, type Page } from '../ui.js';

/** Draws the content-security word list: the built-in words and the chosen app's own, which it edits. */
export const wordsPage: Page = (root, context) => {
  if (!context.appid) return void replaceChildren(root, needApp());
  const appid = context.appid;
  const text = t().words;
  const message = h('div', {});
  const builtin = h('div', { 'data-testid': 'builtin-words' });
  const own = h('div', { 'data-testid': 'app-words' });
  const input = h('textarea', { rows: 4, cols: 32, placeholder: '星际战舰', 'aria-label': text.add, 'data-testid': 'words-input' });

  const change = async (method: 'POST' | 'DELETE', words: string[], done: string) => {
    try {
      await adminCall(method, `/apps/${appid}/content-security/words`, { words });
      replaceChildren(message, notice('success', done));
      return true;
    } catch (error) {
      replaceChildren(message, errorNotice(error));
      return false;
    } finally {
      await load();
    }
  };

  const form = h(
    'form',
    { class: 'stacked-form' },
    h('label', {}, text.addHint, input),
    h('p', { class: 'row-actions' }, h('button', { type: 'submit', 'data-testid': 'words-add' }, text.add)),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const words = input.value.split('\n').map((word) => word.trim()).filter((word) => word !== '');
    if (words.length === 0) return;
    if (await change('POST', words, text.added(words.length))) input.value = '';
  });

  const load = async () => {
    try {
      const [shared, mine] = await Promise.all([
        adminCall<{ words: string[] }>('GET', '/content-security/words'),
        adminCall<{ words: string[] }>('GET', `/apps/${appid}/content-security/words`),
      ]);
      replaceChildren(builtin, h('ul', { class: 'words' }, shared.words.map((word) => h('li', { class: 'badge' }, word))));
      replaceChildren(
        own,
        mine.words.length === 0
          ? h('p', { class: 'empty' }, t().empty)
          : h(
              'ul',
              { class: 'words' },
              mine.words.map((word) =>
                h('li', { class: 'badge', 'data-testid': `app-word-${word}` }, word, button(text.remove, () => change('DELETE', [word], text.removed(word)).then(() => undefined), { class: 'link small', 'aria-label': `${text.remove} ${word}`, 'data-testid': `word-remove-${word}` })),
              ),
            ),
      );
    } catch (error) {
      replaceChildren(own, errorNotice(error));
    }
  };

  replaceChildren(
    root,
    heading(text.heading, () => void load()),
    h('p', { class: 'hint' }, text.hint),
    message,
    h('h3', {}, text.appWords),
    own,
    h('h3', {}, text.add),
    form,
    h('h3', {}, text.builtin),
    builtin,
  );
  void load();
};
