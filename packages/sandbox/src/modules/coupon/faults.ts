/**
 * Internal failures of the coupon platform that no ordinary request causes (activation, voiding,
 * stock correction, a claim rush, a user-coupon status write). An admin action arms one for the
 * next `count` calls of an app, so a test can see the code each one answers with.
 *
 * NOTE: kept in memory per sandbox instance; with several instances on one database, arm the
 * fault on the instance that will serve the request.
 */
export const COUPON_FAULT_CODES = {
  /** update_status to 2: activating the coupon failed. */
  activate: 1090013,
  /** update_status to 2: a stock record already existed. */
  activate_stock_exists: 1090006,
  /** update_status to 4: voiding failed. */
  void: 1090016,
  /** update_coupon_stock: the correction failed. */
  stock_fix: 1090019,
  /** add_user_coupon: too many concurrent claims on the coupon. */
  claim_rush: 1090025,
  /** update_usercoupon_status: the status write failed. */
  user_status: 1090041,
  /** update_usercoupon_status: the same failure under its second code. */
  user_status_second: 1090045,
} as const;

export type CouponFaultStep = keyof typeof COUPON_FAULT_CODES;

export class CouponFaults {
  private readonly armed = new Map<string, number>();

  arm(appid: string, step: CouponFaultStep, count: number): void {
    if (count <= 0) this.armed.delete(`${appid}:${step}`);
    else this.armed.set(`${appid}:${step}`, count);
  }

  /** Returns the errcode to fail with when a fault is armed for this step, using one count. */
  take(appid: string, step: CouponFaultStep): number | undefined {
    const key = `${appid}:${step}`;
    const left = this.armed.get(key);
    if (!left) return undefined;
    if (left <= 1) this.armed.delete(key);
    else this.armed.set(key, left - 1);
    return COUPON_FAULT_CODES[step];
  }

  /** Lists every step with its code and the calls it still fails for this app (0 when not armed). */
  list(appid: string): { step: CouponFaultStep; errcode: number; remaining: number }[] {
    return (Object.keys(COUPON_FAULT_CODES) as CouponFaultStep[]).map((step) => ({
      step,
      errcode: COUPON_FAULT_CODES[step],
      remaining: this.armed.get(`${appid}:${step}`) ?? 0,
    }));
  }

  clear(): void {
    this.armed.clear();
  }
}
