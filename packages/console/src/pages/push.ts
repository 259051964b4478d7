import { AdminHttpError, adminCall } from '../admin.js';
import { formatTime, h, jsonBlock, replaceChildren } from '../dom.js';
import { t } from '../i18n.js';
import { button, errorNotice, heading, needApp, notice, type Page } from '../ui.js';

/** Push settings as GET /apps/:appid/push returns them. */
interface PushSettings {
  url: string;
  token: string;
  encoding_aes_key: string;
  format: 'json' | 'xml';
  mode: 'plaintext' | 'compatible' | 'secure';
  verified_at: number | null;
  updated_at: number;
}

const FORMATS = ['json', 'xml'] as const;
const MODES = ['plaintext', 'compatible', 'secure'] as const;
const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Makes a random EncodingAESKey: 43 letters and digits, as the MP console generates. */
function randomAesKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(43));
  return Array.from(bytes, (byte) => KEY_ALPHABET[byte % KEY_ALPHABET.length]).join('');
}

export const pushPage: Page = (root, context) => {
  if (!context.appid) return void replaceChildren(root, needApp());
  const appid = context.appid;
  const text = t().push;
  const message = h('div', {});
  const current = h('div', { 'data-testid': 'push-current' });

  const url = h('input', { type: 'url', size: 48, required: true, placeholder: 'http://127.0.0.1:3000/wechat/push', 'data-testid': 'push-url' });
  const token = h('input', { size: 32, required: true, pattern: '[A-Za-z0-9]{3,32}', placeholder: 'shopToken1', 'data-testid': 'push-token' });
  const aesKey = h('input', { size: 48, pattern: '[A-Za-z0-9]{43}', 'data-testid': 'push-aes-key' });
  const generate = h('button', { type: 'button', class: 'secondary', 'data-testid': 'push-generate-key' }, text.generateKey);
  generate.addEventListener('click', () => {
    aesKey.value = randomAesKey();
  });
  const format = h('select', { 'data-testid': 'push-format' }, FORMATS.map((name) => h('option', { value: name }, name.toUpperCase())));
  const mode = h('select', { 'data-testid': 'push-mode' }, MODES.map((name) => h('option', { value: name }, text.modes[name])));
  const skipVerify = h('input', { type: 'checkbox', 'data-testid': 'push-skip-verify' });

  /** Shows the reply of a URL check, when the sandbox sent one. */
  const verification = (result: unknown) => (result ? h('details', {}, h('summary', {}, t().details), jsonBlock(result)) : null);

  const form = h(
    'form',
    { class: 'stacked-form', 'data-testid': 'push-form' },
    h('label', {}, text.url, url),
    h('label', {}, text.token, token),
    h('label', {}, text.aesKey, h('span', { class: 'row-actions' }, aesKey, generate), h('span', { class: 'hint' }, text.aesKeyHint)),
    h('label', {}, text.format, format),
    h('label', {}, text.mode, mode),
    h('label', { class: 'check' }, skipVerify, ' ', text.skipVerify),
    h('p', { class: 'row-actions' }, h('button', { type: 'submit', 'data-testid': 'push-save' }, text.save)),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body: Record<string, unknown> = { url: url.value.trim(), token: token.value.trim(), format: format.value, mode: mode.value };
    if (aesKey.value.trim() !== '') body.encoding_aes_key = aesKey.value.trim();
    if (skipVerify.checked) body.skip_verify = true;
    try {
      const reply = await adminCall<{ verification: unknown }>('PUT', `/apps/${appid}/push`, body);
      replaceChildren(message, notice('success', text.saved), verification(reply.verification));
    } catch (error) {
      // A failed URL check (422) carries the check's result beside the error.
      const result = error instanceof AdminHttpError ? (error.body as { verification?: unknown }).verification : undefined;
      replaceChildren(message, errorNotice(error), verification(result));
    }
    await load();
  });

  const load = async () => {
    try {
      const { push } = await adminCall<{ push: PushSettings | null }>('GET', `/apps/${appid}/push`);
      if (!push) return void replaceChildren(current, notice('info', text.notConfigured));
      url.value = push.url;
      token.value = push.token;
      aesKey.value = push.encoding_aes_key;
      format.value = push.format;
      mode.value = push.mode;
      replaceChildren(
        current,
        h(
          'dl',
          {},
          h('dt', {}, text.url), h('dd', {}, h('code', { 'data-testid': 'push-current-url' }, push.url)),
          h('dt', {}, text.format), h('dd', { 'data-testid': 'push-current-format' }, push.format.toUpperCase()),
          h('dt', {}, text.mode), h('dd', { 'data-testid': 'push-current-mode' }, text.modes[push.mode]),
          h('dt', {}, text.verifiedAt), h('dd', {}, formatTime(push.verified_at)),
          h('dt', {}, text.updatedAt), h('dd', {}, formatTime(push.updated_at)),
        ),
        h(
          'p',
          { class: 'row-actions' },
          button(text.verify, async () => {
            try {
              const reply = await adminCall<{ verification: { delivered: boolean } }>('POST', `/apps/${appid}/push/verify`, {});
              const outcome = reply.verification.delivered ? notice('success', text.verified) : notice('error', text.verifyFailed);
              replaceChildren(message, outcome, verification(reply.verification));
            } catch (error) {
              replaceChildren(message, errorNotice(error));
            }
            await load();
          }, { class: 'secondary', 'data-testid': 'push-verify' }),
          button(text.remove, async () => {
            try {
              await adminCall('DELETE', `/apps/${appid}/push`);
              replaceChildren(message, notice('success', text.removed));
            } catch (error) {
              replaceChildren(message, errorNotice(error));
            }
            await load();
          }, { class: 'danger', 'data-testid': 'push-delete' }),
        ),
      );
    } catch (error) {
      replaceChildren(current, errorNotice(error));
    }
  };

  replaceChildren(root, heading(text.heading, () => void load()), h('p', { class: 'hint' }, text.hint), message, h('h3', {}, text.current), current, h('h3', {}, text.save), form);
  void load();
};
