import type { Services } from '../../services.js';

/**
 * Decides the onboarding work that the sandbox clock has made due: unsigned agreements expire,
 * and scene reviews, qualification audits and payment onboarding are decided by the reviewer
 * policy. Returns how many items changed.
 */
export async function runOnboardingReviews(services: Services, now: number): Promise<number> {
  return (await services.register.runDue(now)) + (await services.audits.runDueAudits(now)) + (await services.wxpay.runDue(now));
}
