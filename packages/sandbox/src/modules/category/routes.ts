import type { WireRoute } from '../../server/routes.js';
import { INVALID, readId, toInt } from '../../server/fields.js';
import { WireError } from '../../server/wire-error.js';

export const categoryRoutes: WireRoute[] = [
  {
    path: '/shop/cat/get',
    async handler({ services }) {
      return { third_cat_list: services.categories.list() };
    },
  },
  {
    path: '/shop/ec/category/getcategoryrule',
    async handler({ services, query, body }) {
      const ruleId = toInt(query.get('rule_id') ?? undefined);
      if (ruleId !== 1 && ruleId !== 2) throw new WireError(-2, 'category.rule.rule_id_invalid');
      const categoryId = readId(body, 'category_id');
      if (categoryId === undefined || categoryId === INVALID) throw new WireError(-2, 'category.rule.category_id_invalid');
      const id = Number(categoryId);
      const found = Number.isSafeInteger(id) ? services.categories.lookup(id) : { kind: 'unknown' as const };
      if (found.kind === 'parent') throw new WireError(1000007, 'category.rule.not_level3');
      if (found.kind === 'unknown') throw new WireError(1000009, 'category.rule.unknown');
      const rule = services.categories.rule(found.category);
      return ruleId === 1 ? { deposit: rule.deposit } : { list: rule.deliveries };
    },
  },
];
