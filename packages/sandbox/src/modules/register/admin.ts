import type { FastifyInstance } from 'fastify';
import { AdminError, adminBody } from '../../admin/router.js';
import type { Services } from '../../services.js';
import { appView, requireApp } from '../app/admin.js';
import { runOnboardingReviews } from './reviews.js';
import { RegisterStateError } from './service.js';
import { APPLY_GENERATIONS, defaultProfile, SUCCESS_FLAGS, type ApplyGeneration, type RegisterProfile, type RegisterRecord, type SuccessFlag } from './store.js';

const ACCESS_ACTIONS = ['open', 'close', 'sign', 'ban', 'unban'] as const;
/** Reason a scene rejection carries when the admin gives none. */
const DEFAULT_SCENE_REJECT_REASON = '场景审核未通过,请补充材料后重新申请';
type AdminAccessAction = (typeof ACCESS_ACTIONS)[number];

function registerView(record: RegisterRecord) {
  return {
    apply_generation: record.apply_generation,
    agreement_due_at: record.agreement_due_at,
    access_info: record.access_info,
    scene_status: record.scene_status,
    scene_reason: record.scene_reason,
    scene_due_at: record.scene_due_at,
    profile: record.profile,
  };
}

/** Reads a profile change: known keys only, booleans except wxpay_reject_reason (a string). */
function readProfile(value: unknown, current: RegisterProfile): RegisterProfile {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new AdminError(400, 'invalid_profile', 'profile must be an object');
  const known = Object.keys(defaultProfile());
  const next = { ...current } as Record<string, unknown>;
  for (const [key, item] of Object.entries(value)) {
    if (!known.includes(key)) throw new AdminError(400, 'unknown_profile_key', `Unknown profile key ${key}; valid: ${known.join(', ')}`);
    const expected = key === 'wxpay_reject_reason' ? 'string' : 'boolean';
    if (typeof item !== expected) throw new AdminError(400, 'invalid_profile', `profile.${key} must be a ${expected}`);
    next[key] = item;
  }
  return next as unknown as RegisterProfile;
}

/** Registers the platform side of opening the component: access actions, scene review, generation and rejections. */
export function registerRegisterAdmin(admin: FastifyInstance, services: Services): void {
  admin.get<{ Params: { appid: string } }>('/apps/:appid/register', async (request) => {
    const app = await requireApp(services, request.params.appid);
    return { access_state: app.access_state, register: registerView(await services.register.record(services.storage.db, app.appid)) };
  });

  admin.patch<{ Params: { appid: string } }>('/apps/:appid/register', async (request) => {
    const app = await requireApp(services, request.params.appid);
    const body = adminBody(request);
    const unknown = Object.keys(body).filter((key) => key !== 'apply_generation' && key !== 'profile');
    if (unknown.length > 0) throw new AdminError(400, 'unknown_setting', `Unknown keys ${unknown.join(', ')}; valid: apply_generation, profile`);
    const generation = body.apply_generation;
    if (generation !== undefined && !APPLY_GENERATIONS.includes(generation as ApplyGeneration)) {
      throw new AdminError(400, 'invalid_apply_generation', `apply_generation must be one of ${APPLY_GENERATIONS.join(', ')}`);
    }
    const current = await services.register.record(services.storage.db, app.appid);
    const profile = body.profile === undefined ? current.profile : readProfile(body.profile, current.profile);
    const record = await services.register.updateProfile(app.appid, (stored) => ({
      ...stored,
      apply_generation: (generation as ApplyGeneration | undefined) ?? stored.apply_generation,
      profile,
    }));
    return { register: registerView(record) };
  });

  for (const action of ACCESS_ACTIONS) {
    admin.post<{ Params: { appid: string } }>(`/apps/:appid/register/${action}`, async (request) => {
      const app = await requireApp(services, request.params.appid);
      try {
        const updated = await services.register.adminAccess(app.appid, action as AdminAccessAction, services.clock.now());
        return { app: appView(updated) };
      } catch (error) {
        if (error instanceof RegisterStateError) throw new AdminError(409, 'access_transition_not_allowed', error.message);
        throw error;
      }
    });
  }

  admin.post<{ Params: { appid: string } }>('/apps/:appid/register/scene', async (request) => {
    const app = await requireApp(services, request.params.appid);
    const body = adminBody(request);
    if (body.decision !== 'approve' && body.decision !== 'reject') throw new AdminError(400, 'invalid_decision', 'decision must be "approve" or "reject"');
    let reason = body.decision === 'approve' ? '' : DEFAULT_SCENE_REJECT_REASON;
    if (typeof body.reason === 'string' && body.reason !== '') reason = body.reason;
    try {
      await services.register.decideScene(app.appid, body.decision === 'approve', reason, services.clock.now());
    } catch (error) {
      if (error instanceof RegisterStateError) throw new AdminError(409, 'not_under_review', error.message);
      throw error;
    }
    return { register: registerView(await services.register.record(services.storage.db, app.appid)) };
  });

  admin.post<{ Params: { appid: string } }>('/apps/:appid/register/tasks', async (request) => {
    const app = await requireApp(services, request.params.appid);
    const flags = adminBody(request).success_flags;
    if (!Array.isArray(flags) || !flags.every((flag) => SUCCESS_FLAGS.includes(flag as SuccessFlag))) {
      throw new AdminError(400, 'invalid_success_flags', `success_flags must be an array of ${SUCCESS_FLAGS.join(', ')}`);
    }
    return { register: registerView(await services.register.setSuccessFlags(app.appid, flags as SuccessFlag[])) };
  });

  admin.post('/onboarding/run', async () => ({ decided: await runOnboardingReviews(services, services.clock.now()) }));
}
