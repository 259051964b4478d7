import type { Migration } from 'kysely';
import type { Dialect } from '../database.js';
import { foundation } from './0001_foundation.js';
import { orders } from './0002_orders.js';
import { onboarding } from './0003_onboarding.js';
import { couponsSharers } from './0004_coupons_sharers.js';
import { push } from './0005_push.js';
import { quotaPlatforms } from './0006_quota_platforms.js';
import { productLists } from './0007_product_lists.js';
import { fundsPayComplaints } from './0008_funds_pay_complaints.js';
import { componentPushCouponFaults } from './0009_component_push_coupon_faults.js';
import { listScale } from './0010_list_scale.js';

/**
 * Versioned schema migrations, written once for both dialects, one file each. Names sort in the
 * order they run; a released migration is never edited, only followed by a new one.
 */
export function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '0001_foundation': foundation(dialect),
    '0002_orders': orders(dialect),
    '0003_onboarding': onboarding(dialect),
    '0004_coupons_sharers': couponsSharers(dialect),
    '0005_push': push(dialect),
    '0006_quota_platforms': quotaPlatforms(dialect),
    '0007_product_lists': productLists,
    '0008_funds_pay_complaints': fundsPayComplaints,
    '0009_component_push_coupon_faults': componentPushCouponFaults,
    '0010_list_scale': listScale,
  };
}
