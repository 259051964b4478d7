import { adminCall } from '../admin.js';
import { formatTime, h, jsonBlock, replaceChildren } from '../dom.js';
import { t } from '../i18n.js';
import { errorNotice, heading, needApp, table, type Page } from '../ui.js';

interface OutboxEvent {
  id: number;
  event: string;
  state: string;
  created_at: number;
  payload: unknown;
}

export const eventsPage: Page = (root, context) => {
  if (!context.appid) return void replaceChildren(root, needApp());
  const appid = context.appid;
  const text = t().events;
  const list = h('div', { 'data-testid': 'events' });

  const render = async () => {
    try {
      const { events } = await adminCall<{ events: OutboxEvent[] }>('GET', `/apps/${appid}/events`);
      // Newest first: the latest platform action is what a reader looks for.
      const rows = [...events].reverse().map((event) => [
        String(event.id),
        h('code', {}, event.event),
        h('span', { class: 'badge' }, event.state),
        formatTime(event.created_at),
        h('details', {}, h('summary', {}, t().details), jsonBlock(event.payload)),
      ]);
      replaceChildren(list, table([text.id, text.event, t().status, t().time, text.payload], rows));
    } catch (error) {
      replaceChildren(list, errorNotice(error));
    }
  };

  replaceChildren(root, heading(text.heading, () => void render()), list);
  void render();
};
