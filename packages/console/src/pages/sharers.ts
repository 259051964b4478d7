import { replaceChildren } from '../dom.js';
import { t } from '../i18n.js';
import { heading, needApp, type Page } from '../ui.js';
import { actionButton, field, resourceList } from './resource.js';

/** Binding status of a sharer invitation that waits for the sharer's reply. */
const BIND_PENDING = 0;

export const sharersPage: Page = (root, context) => {
  if (!context.appid) return void replaceChildren(root, needApp());
  const appid = context.appid;
  const text = t().sharers;

  const list = resourceList({
    path: `/apps/${appid}/sharers`,
    field: 'sharers',
    testid: 'sharers',
    columns: [
      { title: text.openid, cell: (item) => field(item, 'openid') },
      { title: text.nickname, cell: (item) => field(item, 'nickname') },
      { title: text.bind, cell: (item) => field(item, 'bind_status') },
    ],
    actions: (item, act) => {
      if (Number(item.bind_status) !== BIND_PENDING) return [];
      const openid = encodeURIComponent(field(item, 'openid'));
      return [
        actionButton(text.accept, () => act('POST', `/apps/${appid}/sharers/${openid}/accept`), `sharer-accept-${openid}`),
        actionButton(text.refuse, () => act('POST', `/apps/${appid}/sharers/${openid}/refuse`), `sharer-refuse-${openid}`, 'danger'),
      ];
    },
  });

  replaceChildren(root, heading(text.heading, () => void list.refresh()), list.element);
  void list.refresh();
};
