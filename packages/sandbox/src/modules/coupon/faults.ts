import { sql, type Kysely } from 'kysely';
import type { Database } from '../../storage/schema.js';

/**
 * Internal failures of the coupon platform that no ordinary request causes (activation, voiding,
 * stock correction, a claim rush, a user-coupon status write). An admin action arms one for the
 * next `count` calls of an app, so a test can see the code each one returns. Armed faults
 * are stored in the database: every instance on it, a restart and a snapshot see the same ones,
 * and each count is used by exactly one call.
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
  constructor(private readonly db: Kysely<Database>) {}

  /** Arms `step` for the app's next `count` calls; 0 disarms it. */
  async arm(appid: string, step: CouponFaultStep, count: number): Promise<void> {
    if (count <= 0) {
      await this.db.deleteFrom('coupon_faults').where('appid', '=', appid).where('step', '=', step).execute();
      return;
    }
    await this.db
      .insertInto('coupon_faults')
      .values({ appid, step, remaining: count })
      .onConflict((conflict) => conflict.columns(['appid', 'step']).doUpdateSet({ remaining: count }))
      .execute();
  }

  /** Armed faults of the app, by step, with the calls each still fails. */
  async list(appid: string): Promise<Partial<Record<CouponFaultStep, number>>> {
    const rows = await this.db.selectFrom('coupon_faults').select(['step', 'remaining']).where('appid', '=', appid).where('remaining', '>', 0).execute();
    return Object.fromEntries(rows.map((row) => [row.step, Number(row.remaining)]));
  }

  /**
   * Returns the errcode to fail with when a fault is armed for this step, using one count. The
   * decrement is one conditional update, so concurrent calls on any instance never use a count twice.
   * Called outside transactions: the used count must stay used when the call then fails.
   */
  async take(appid: string, step: CouponFaultStep): Promise<number | undefined> {
    const row = await this.db
      .updateTable('coupon_faults')
      .set({ remaining: sql<number>`remaining - 1` })
      .where('appid', '=', appid)
      .where('step', '=', step)
      .where('remaining', '>', 0)
      .returning('remaining')
      .executeTakeFirst();
    if (!row) return undefined;
    if (Number(row.remaining) <= 0) await this.db.deleteFrom('coupon_faults').where('appid', '=', appid).where('step', '=', step).where('remaining', '<=', 0).execute();
    return COUPON_FAULT_CODES[step];
  }
}
