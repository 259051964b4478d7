import { adminCall } from '../admin.js';
import { h, replaceChildren } from '../dom.js';
import { t } from '../i18n.js';
import { button, errorNotice, heading, needApp, notice, table, type Page } from '../ui.js';

interface QuotaReply {
  settings: { daily_limits: Record<string, number>; minute_limits?: Record<string, number>; rate_limit: { call_count: number; refresh_second: number } | null };
  day: string;
  usage: Record<string, number>;
}

export const quotaPage: Page = (root, context) => {
  if (!context.appid) return void replaceChildren(root, needApp());
  const appid = context.appid;
  const text = t().quota;
  const message = h('div', {});
  const body = h('div', { 'data-testid': 'quota' });

  const render = async () => {
    try {
      const quota = await adminCall<QuotaReply>('GET', `/apps/${appid}/quota`);
      const minute = quota.settings.minute_limits ?? {};
      const paths = [...new Set([...Object.keys(quota.settings.daily_limits), ...Object.keys(minute), ...Object.keys(quota.usage)])].sort();
      const limitText = (value: number | undefined) => (value === undefined ? '' : String(value));
      const rows = paths.map((path) => [h('code', {}, path), String(quota.usage[path] ?? 0), limitText(quota.settings.daily_limits[path]), limitText(minute[path])]);
      const rate = quota.settings.rate_limit;
      replaceChildren(
        body,
        h('p', {}, `${text.day}: ${quota.day}`),
        table([text.path, text.used, text.limit, text.minuteLimit], rows, { 'data-testid': 'quota-table' }),
        h('p', {}, `${text.rateLimit}: `, rate ? `${rate.call_count} ${text.callCount} / ${rate.refresh_second} s` : text.noRate),
      );
    } catch (error) {
      replaceChildren(body, errorNotice(error));
    }
  };

  const save = async (payload: unknown) => {
    try {
      await adminCall('PUT', `/apps/${appid}/quota`, payload);
      replaceChildren(message, notice('success', t().done));
    } catch (error) {
      replaceChildren(message, errorNotice(error));
    }
    await render();
  };

  const path = h('input', { placeholder: '/shop/spu/add', size: 24, 'aria-label': text.path, 'data-testid': 'quota-path' });
  const limit = h('input', { type: 'number', min: 0, size: 10, 'aria-label': text.limit, 'data-testid': 'quota-limit' });
  const kind = h(
    'select',
    { 'aria-label': text.limitKind, 'data-testid': 'quota-kind' },
    h('option', { value: 'daily_limits' }, text.limit),
    h('option', { value: 'minute_limits' }, text.minuteLimit),
  );
  const limitForm = h(
    'form',
    { class: 'inline-form' },
    h('label', {}, text.path, ' ', path),
    h('label', {}, kind, ' ', limit),
    h('button', { type: 'submit', 'data-testid': 'quota-save' }, text.setLimit),
  );
  limitForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void save({ [kind.value]: { [path.value.trim()]: limit.value === '' ? null : Number(limit.value) } });
  });

  const callCount = h('input', { type: 'number', min: 0, size: 8, 'aria-label': text.callCount });
  const refreshSecond = h('input', { type: 'number', min: 0, size: 8, 'aria-label': text.refreshSecond });
  const rateForm = h(
    'form',
    { class: 'inline-form' },
    h('label', {}, callCount, ' ', text.callCount),
    h('label', {}, ' / ', refreshSecond, ' ', text.refreshSecond),
    h('button', { type: 'submit' }, text.setRate),
  );
  rateForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void save({ rate_limit: callCount.value === '' ? null : { call_count: Number(callCount.value), refresh_second: Number(refreshSecond.value || 1) } });
  });

  const reset = button(text.reset, async () => {
    try {
      await adminCall('DELETE', `/apps/${appid}/quota/usage`);
      replaceChildren(message, notice('success', t().done));
    } catch (error) {
      replaceChildren(message, errorNotice(error));
    }
    await render();
  }, { class: 'secondary', 'data-testid': 'quota-reset' });

  replaceChildren(
    root,
    heading(text.heading, () => void render()),
    message,
    body,
    h('h3', {}, text.limits),
    h('p', { class: 'hint' }, text.limitHint),
    limitForm,
    h('h3', {}, text.rateLimit),
    rateForm,
    h('p', {}, reset),
  );
  void render();
};
