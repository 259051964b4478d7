import { adminCall } from '../admin.js';
import { formatTime, h, jsonBlock, replaceChildren } from '../dom.js';
import { language, t } from '../i18n.js';
import { AUDIT_STATUS, label } from '../states.js';
import { errorNotice, heading, needApp, notice, type Page } from '../ui.js';
import { actionButton, field, resourceList } from './resource.js';

interface RegisterReply {
  access_state: string;
  register: { apply_generation: string; access_info: unknown; scene_status: unknown; scene_reason: string };
}

const ACCESS_ACTIONS = ['open', 'sign', 'close', 'ban', 'unban'] as const;

export const onboardingPage: Page = (root, context) => {
  if (!context.appid) return void replaceChildren(root, needApp());
  const appid = context.appid;
  const text = t().onboarding;
  const lang = language();
  const message = h('div', {});
  const access = h('div', { 'data-testid': 'register' });

  const run = async (method: string, path: string, payload?: unknown) => {
    try {
      await adminCall(method, path, payload);
      replaceChildren(message, notice('success', t().done));
    } catch (error) {
      replaceChildren(message, errorNotice(error));
    }
    await refresh();
  };

  const loadRegister = async () => {
    try {
      const { access_state, register } = await adminCall<RegisterReply>('GET', `/apps/${appid}/register`);
      const states = t().apps.accessStates as Record<string, string>;
      replaceChildren(
        access,
        h('p', {}, `${text.accessState}: `, h('span', { class: 'badge', 'data-testid': 'access-state' }, `${access_state} ${states[access_state] ?? ''}`), `  ${text.generation}: ${register.apply_generation}`),
        h(
          'div',
          { class: 'row-actions' },
          ACCESS_ACTIONS.map((action) => actionButton(text.accessActions[action], () => run('POST', `/apps/${appid}/register/${action}`, {}), `access-${action}`, action === 'ban' ? 'danger' : 'secondary')),
        ),
        h('h3', {}, text.scene),
        h('p', {}, `scene_status: ${JSON.stringify(register.scene_status)} ${register.scene_reason}`),
        h(
          'div',
          { class: 'row-actions' },
          actionButton(text.sceneApprove, () => run('POST', `/apps/${appid}/register/scene`, { decision: 'approve' }), 'scene-approve'),
          actionButton(text.sceneReject, () => run('POST', `/apps/${appid}/register/scene`, { decision: 'reject' }), 'scene-reject', 'danger'),
        ),
        h('details', {}, h('summary', {}, 'access_info'), jsonBlock(register.access_info)),
      );
    } catch (error) {
      replaceChildren(access, errorNotice(error));
    }
  };

  const reason = h('input', { size: 24, placeholder: '资质证书不清晰', 'aria-label': text.rejectReason, 'data-testid': 'audit-reason' });
  const audits = resourceList({
    path: `/apps/${appid}/qualification-audits`,
    field: 'audits',
    testid: 'qualification-audits',
    columns: [
      { title: text.auditId, cell: (item) => h('code', {}, field(item, 'audit_id')) },
      { title: text.auditType, cell: (item) => text.auditTypes[Number(item.audit_type) as 1 | 2] ?? field(item, 'audit_type') },
      { title: text.subject, cell: (item) => field(item, 'subject') },
      { title: t().status, cell: (item) => h('span', { class: 'badge', 'data-testid': 'audit-status' }, label(AUDIT_STATUS, item.status, lang)) },
      { title: text.reason, cell: (item) => field(item, 'reject_reason') },
      { title: text.submitted, cell: (item) => formatTime(item.submitted_at as number) },
    ],
    actions: (item, act) => {
      if (Number(item.status) !== 0) return [];
      const id = field(item, 'audit_id');
      const decide = (decision: string) => () => act('POST', `/apps/${appid}/qualification-audits/${id}/decide`, decision === 'approve' ? { decision } : { decision, reason: reason.value.trim() });
      return [actionButton(text.approve, decide('approve'), `audit-approve-${id}`), actionButton(text.reject, decide('reject'), `audit-reject-${id}`, 'danger')];
    },
  });

  const refresh = () => Promise.all([loadRegister(), audits.refresh()]).then(() => undefined);
  replaceChildren(
    root,
    heading(text.heading, () => void refresh()),
    message,
    access,
    h('h3', {}, text.audits),
    h('p', {}, h('label', {}, text.rejectReason, ' ', reason)),
    audits.element,
  );
  void refresh();
};
