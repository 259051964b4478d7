import { formatTime, h, replaceChildren } from '../dom.js';
import { language, t } from '../i18n.js';
import { label, SHARER_BIND_STATUS, SHARER_INVITED } from '../states.js';
import { heading, needApp, type Page } from '../ui.js';
import { actionButton, field, resourceList } from './resource.js';

export const sharersPage: Page = (root, context) => {
  if (!context.appid) return void replaceChildren(root, needApp());
  const appid = context.appid;
  const text = t().sharers;
  const lang = language();

  const list = resourceList({
    path: `/apps/${appid}/sharers`,
    field: 'sharers',
    testid: 'sharers',
    columns: [
      { title: text.openid, cell: (item) => h('code', {}, field(item, 'openid')) },
      { title: text.nickname, cell: (item) => field(item, 'nickname') },
      { title: text.bind, cell: (item) => h('span', { class: 'badge' }, label(SHARER_BIND_STATUS, item.bind_status, lang)) },
      { title: t().time, cell: (item) => formatTime((item.bind_time as number | null) ?? (item.invited_time as number | null)) },
    ],
    actions: (item, act) => {
      if (Number(item.bind_status) !== SHARER_INVITED) return [];
      const openid = field(item, 'openid');
      const respond = (decision: string) => () => act('POST', `/apps/${appid}/sharers/respond`, { openid, decision });
      return [
        actionButton(text.accept, respond('accept'), `sharer-accept-${openid}`),
        actionButton(text.refuse, respond('refuse'), `sharer-refuse-${openid}`, 'danger'),
        actionButton(text.expire, respond('expire'), `sharer-expire-${openid}`, 'secondary'),
      ];
    },
  });

  replaceChildren(root, heading(text.heading, () => void list.refresh()), list.element);
  void list.refresh();
};
