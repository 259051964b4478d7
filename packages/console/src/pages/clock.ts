import { adminCall } from '../admin.js';
import { h, replaceChildren } from '../dom.js';
import { t } from '../i18n.js';
import { button, errorNotice, heading, notice, type Page } from '../ui.js';

interface Clock {
  now_ms: number;
  now: string;
  offset_ms: number;
}

function describeOffset(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const days = Math.floor(seconds / 86400);
  const rest = seconds % 86400;
  const hms = [Math.floor(rest / 3600), Math.floor((rest % 3600) / 60), rest % 60].map((part) => String(part).padStart(2, '0')).join(':');
  return days > 0 ? `${days}d ${hms}` : hms;
}

export const clockPage: Page = (root) => {
  const text = t().clock;
  const view = h('div', { 'data-testid': 'clock' });
  const message = h('div', {});

  const render = async () => {
    try {
      const clock = await adminCall<Clock>('GET', '/clock');
      replaceChildren(
        view,
        h('dl', { class: 'clock' }, h('dt', {}, text.now), h('dd', { 'data-testid': 'clock-now' }, clock.now), h('dt', {}, text.offset), h('dd', { 'data-testid': 'clock-offset' }, describeOffset(clock.offset_ms))),
      );
    } catch (error) {
      replaceChildren(view, errorNotice(error));
    }
  };

  const advance = async (seconds: number) => {
    try {
      const result = await adminCall<Clock & { audits_decided: number }>('POST', '/clock/advance', { seconds });
      replaceChildren(message, notice('success', text.advanced(result.audits_decided)));
    } catch (error) {
      replaceChildren(message, errorNotice(error));
    }
    await render();
  };

  const seconds = h('input', { type: 'number', min: 0, step: 1, value: 60, 'aria-label': text.seconds, 'data-testid': 'advance-seconds' });
  const form = h('form', { class: 'inline-form' }, h('label', {}, text.seconds, ' ', seconds), h('button', { type: 'submit', 'data-testid': 'advance' }, text.advance));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void advance(Number(seconds.value));
  });

  replaceChildren(
    root,
    heading(text.heading, () => void render()),
    view,
    message,
    h('h3', {}, text.advance),
    h('p', { class: 'row-actions' }, button(text.hour, () => advance(3600)), button(text.day, () => advance(86400)), button(text.week, () => advance(7 * 86400))),
    form,
  );
  void render();
};
