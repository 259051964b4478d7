import { adminCall } from '../admin.js';
import { formatTime, h, jsonBlock, replaceChildren } from '../dom.js';
import { t } from '../i18n.js';
import { errorNotice, heading, needApp, notice, type Page } from '../ui.js';
import { actionButton, field, resourceList, type Item } from './resource.js';

interface PushSettings {
  url: string;
  format: string;
  mode: string;
  verified_at: number | null;
}

export const deliveriesPage: Page = (root, context) => {
  if (!context.appid) return void replaceChildren(root, needApp());
  const appid = context.appid;
  const text = t().deliveries;
  const settings = h('div', { 'data-testid': 'push-settings' });
  const message = h('div', {});

  const deliveries = resourceList({
    path: `/apps/${appid}/push/deliveries?limit=100`,
    field: 'deliveries',
    testid: 'deliveries',
    columns: [
      { title: text.eventId, cell: (item) => field(item, 'event_id') },
      { title: text.attempt, cell: (item) => field(item, 'attempt') },
      {
        title: text.result,
        cell: (item) => h('span', { class: 'badge', 'data-testid': 'delivery-outcome' }, [field(item, 'outcome'), field(item, 'http_status'), field(item, 'error')].filter(Boolean).join(' ')),
      },
      { title: text.duration, cell: (item) => field(item, 'duration_ms') },
      { title: t().time, cell: (item) => formatTime(item.started_at as number) },
    ],
  });

  const events = resourceList({
    path: `/apps/${appid}/push/events?limit=100`,
    field: 'events',
    testid: 'push-events',
    columns: [
      { title: text.eventId, cell: (item) => field(item, 'id') },
      { title: t().events.event, cell: (item) => h('code', {}, field(item, 'event')) },
      { title: text.state, cell: (item) => h('span', { class: 'badge' }, field(item, 'state')) },
      { title: text.attempts, cell: (item) => field(item, 'attempts') },
      { title: t().time, cell: (item) => formatTime(item.created_at as number) },
      { title: t().events.payload, cell: (item) => h('details', {}, h('summary', {}, t().details), jsonBlock(item.message)) },
    ],
    actions: (item: Item) => {
      const id = field(item, 'id');
      return [
        actionButton(
          text.redeliver,
          async () => {
            try {
              await adminCall('POST', `/apps/${appid}/push/events/${id}/redeliver`, {});
              replaceChildren(message, notice('success', text.redelivered(id)));
            } catch (error) {
              replaceChildren(message, errorNotice(error));
            }
            await refresh();
          },
          `redeliver-${id}`,
          'secondary',
        ),
      ];
    },
  });

  const loadSettings = async () => {
    try {
      const { push } = await adminCall<{ push: PushSettings | null }>('GET', `/apps/${appid}/push`);
      if (!push) return void replaceChildren(settings, notice('info', text.notConfigured));
      replaceChildren(
        settings,
        h('p', {}, h('code', {}, push.url), ` ${push.format} / ${push.mode}`, push.verified_at ? ` ✓ ${formatTime(push.verified_at)}` : ''),
      );
    } catch (error) {
      replaceChildren(settings, errorNotice(error));
    }
  };

  const refresh = () => Promise.all([loadSettings(), events.refresh(), deliveries.refresh()]).then(() => undefined);
  replaceChildren(
    root,
    heading(text.heading, () => void refresh()),
    h('h3', {}, text.settings),
    settings,
    message,
    h('h3', {}, text.events),
    events.element,
    h('h3', {}, text.deliveries),
    deliveries.element,
  );
  void refresh();
};
