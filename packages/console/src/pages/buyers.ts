import { adminCall } from '../admin.js';
import { h, replaceChildren } from '../dom.js';
import { t } from '../i18n.js';
import { errorNotice, heading, needApp, notice, type Page } from '../ui.js';
import { field, resourceList } from './resource.js';

export const buyersPage: Page = (root, context) => {
  if (!context.appid) return void replaceChildren(root, needApp());
  const appid = context.appid;
  const text = t().buyers;
  const message = h('div', {});

  const list = resourceList({
    path: `/apps/${appid}/buyers`,
    field: 'buyers',
    testid: 'buyers',
    columns: [
      { title: text.openid, cell: (item) => h('code', {}, field(item, 'openid')) },
      { title: text.nickname, cell: (item) => field(item, 'nickname') },
      { title: text.builtin, cell: (item) => (item.builtin === true ? '✓' : '') },
    ],
  });

  const nickname = h('input', { size: 16, placeholder: '张三', 'aria-label': text.nickname, 'data-testid': 'buyer-nickname' });
  const form = h('form', { class: 'inline-form' }, h('label', {}, text.nickname, ' ', nickname), h('button', { type: 'submit', 'data-testid': 'buyer-create' }, text.create));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const name = nickname.value.trim();
      const { buyer } = await adminCall<{ buyer: { openid: string } }>('POST', `/apps/${appid}/buyers`, name === '' ? {} : { nickname: name });
      replaceChildren(message, notice('success', text.created(buyer.openid)));
      nickname.value = '';
    } catch (error) {
      replaceChildren(message, errorNotice(error));
    }
    await list.refresh();
  });

  replaceChildren(root, heading(text.heading, () => void list.refresh()), message, form, list.element);
  void list.refresh();
};
