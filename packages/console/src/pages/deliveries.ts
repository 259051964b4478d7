import { formatTime, h, replaceChildren } from '../dom.js';
import { t } from '../i18n.js';
import { heading, needApp, type Page } from '../ui.js';
import { actionButton, field, resourceList } from './resource.js';

export const deliveriesPage: Page = (root, context) => {
  if (!context.appid) return void replaceChildren(root, needApp());
  const appid = context.appid;
  const text = t().deliveries;

  const list = resourceList({
    path: `/apps/${appid}/deliveries`,
    field: 'deliveries',
    testid: 'deliveries',
    columns: [
      { title: text.eventId, cell: (item) => field(item, 'event_id') },
      { title: t().events.event, cell: (item) => h('code', {}, field(item, 'event')) },
      { title: text.attempt, cell: (item) => field(item, 'attempt') },
      { title: text.result, cell: (item) => h('span', { class: 'badge' }, [field(item, 'status'), field(item, 'http_status'), field(item, 'error')].filter(Boolean).join(' ')) },
      { title: t().time, cell: (item) => formatTime(item.created_at as number) },
    ],
    actions: (item, act) => {
      const eventId = field(item, 'event_id');
      return [actionButton(text.redeliver, () => act('POST', `/apps/${appid}/events/${eventId}/redeliver`), `redeliver-${eventId}`, 'secondary')];
    },
  });

  replaceChildren(root, heading(text.heading, () => void list.refresh()), list.element);
  void list.refresh();
};
