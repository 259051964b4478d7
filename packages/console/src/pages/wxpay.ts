import { adminCall } from '../admin.js';
import { formatTime, h, jsonBlock, replaceChildren } from '../dom.js';
import { t } from '../i18n.js';
import { WXPAY_DECIDABLE } from '../states.js';
import { button, errorNotice, heading, needApp, notice, type Page } from '../ui.js';

/** The payment onboarding application as GET /apps/:appid/wxpay returns it. */
interface Application {
  state: number;
  request: unknown;
  applyment_id: string;
  out_request_no: string;
  sub_mchid: string | null;
  audit_detail: { param_name: string; reject_reason: string }[] | null;
  submitted_at: number;
  due_at: number | null;
  decided_at: number | null;
}

/** Draws the WeChat Pay onboarding (进件) application and the platform's decision on it. */
export const wxpayPage: Page = (root, context) => {
  if (!context.appid) return void replaceChildren(root, needApp());
  const appid = context.appid;
  const text = t().wxpay;
  const message = h('div', {});
  const body = h('div', { 'data-testid': 'wxpay-application' });
  const paramName = h('input', { size: 20, placeholder: text.paramNamePlaceholder, 'aria-label': text.paramName, 'data-testid': 'wxpay-param-name' });
  const reason = h('input', { size: 28, placeholder: text.reasonPlaceholder, 'aria-label': text.reason, 'data-testid': 'wxpay-reason' });

  const decide = async (decision: 'approve' | 'reject') => {
    const payload: Record<string, string> = { decision };
    if (decision === 'reject') {
      if (reason.value.trim() !== '') payload.reason = reason.value.trim();
      if (paramName.value.trim() !== '') payload.param_name = paramName.value.trim();
    }
    try {
      await adminCall('POST', `/apps/${appid}/wxpay/decide`, payload);
      replaceChildren(message, notice('success', decision === 'approve' ? text.approved : text.rejected));
    } catch (error) {
      replaceChildren(message, errorNotice(error));
    }
    await load();
  };

  const load = async () => {
    try {
      const { application } = await adminCall<{ application: Application | null }>('GET', `/apps/${appid}/wxpay`);
      if (!application) return void replaceChildren(body, notice('info', text.none));
      const row = (title: string, value: Node | string) => [h('dt', {}, title), h('dd', {}, value)];
      replaceChildren(
        body,
        h(
          'dl',
          {},
          row(text.state, h('span', { class: 'badge', 'data-testid': 'wxpay-state' }, `${application.state} ${text.states[application.state] ?? ''}`)),
          row(text.applymentId, h('code', {}, String(application.applyment_id ?? ''))),
          row(text.outRequestNo, h('code', {}, String(application.out_request_no ?? ''))),
          row(text.subMchid, h('code', { 'data-testid': 'wxpay-sub-mchid' }, application.sub_mchid ?? '')),
          row(text.submitted, formatTime(application.submitted_at)),
          row(text.due, formatTime(application.due_at)),
          row(text.decided, formatTime(application.decided_at)),
          row(text.auditDetail, h('span', { 'data-testid': 'wxpay-audit-detail' }, (application.audit_detail ?? []).map((item) => `${item.param_name}: ${item.reject_reason}`).join('; '))),
        ),
        WXPAY_DECIDABLE.includes(application.state)
          ? h(
              'div',
              { class: 'row-actions' },
              button(text.approve, () => decide('approve'), { 'data-testid': 'wxpay-approve' }),
              h('label', {}, text.paramName, ' ', paramName),
              h('label', {}, text.reason, ' ', reason),
              button(text.reject, () => decide('reject'), { class: 'danger', 'data-testid': 'wxpay-reject' }),
            )
          : null,
        h('details', {}, h('summary', {}, text.request), jsonBlock(application.request)),
      );
    } catch (error) {
      replaceChildren(body, errorNotice(error));
    }
  };

  replaceChildren(root, heading(text.heading, () => void load()), message, body);
  void load();
};
