import catalogue from './categories.json' with { type: 'json' };

/** One level-3 category as /shop/cat/get returns it. */
export interface Category {
  third_cat_id: number;
  third_cat_name: string;
  qualification: string;
  /** 0 = no qualification needed (owned automatically), 1 = required, 2 = optional. */
  qualification_type: number;
  product_qualification: string;
  /** 1 = every product must carry qualification_pics, 2 = optional. */
  product_qualification_type: number;
  first_cat_id: number;
  first_cat_name: string;
  second_cat_id: number;
  second_cat_name: string;
  scene_group_list: number[];
}

interface CatalogueEntry extends Category {
  /** Withdrawn from the catalogue: not listed, and refused on product calls with 1000040. */
  retired?: boolean;
}

/** Deposit and delivery-method rule of a category, as /shop/ec/category/getcategoryrule answers. */
export interface CategoryRule {
  /** Deposit in fen. */
  deposit: number;
  /** Delivery methods: deliver_type 0 express, 6 same-city; acct_type lists the buyer accounts a virtual delivery goes to. */
  deliveries: { deliver_type: number; acct_type: number[] }[];
}

/** Deposit of a category whose sale needs a qualification, and of every other category, in fen. */
const QUALIFIED_DEPOSIT = 1_000_000;
const BASIC_DEPOSIT = 200_000;

export type CategoryLookup =
  | { kind: 'level3'; category: CatalogueEntry }
  | { kind: 'parent'; level: 1 | 2 }
  | { kind: 'unknown' };

/** The built-in category tree, loaded once from categories.json. */
export class CategoryService {
  private readonly byThirdId = new Map<number, CatalogueEntry>();
  private readonly parentLevels = new Map<number, 1 | 2>();
  private readonly listed: Category[];

  constructor(entries: readonly CatalogueEntry[] = (catalogue as { categories: CatalogueEntry[] }).categories) {
    for (const entry of entries) {
      this.byThirdId.set(entry.third_cat_id, entry);
      this.parentLevels.set(entry.first_cat_id, 1);
      this.parentLevels.set(entry.second_cat_id, 2);
    }
    this.listed = entries.filter((entry) => !entry.retired).map(({ retired: _retired, ...category }) => category);
  }

  /** Lists every current level-3 category, in catalogue order. */
  list(): readonly Category[] {
    return this.listed;
  }

  lookup(id: number): CategoryLookup {
    const category = this.byThirdId.get(id);
    if (category) return { kind: 'level3', category };
    const level = this.parentLevels.get(id);
    return level ? { kind: 'parent', level } : { kind: 'unknown' };
  }

  /**
   * The category's deposit and delivery rule. Categories that need a qualification carry the higher
   * deposit. Virtual goods and local services are delivered as vouchers to the buyer's WeChat id or
   * phone; everything else ships by express, and food and fresh goods may also go same-city.
   */
  rule(category: Category): CategoryRule {
    const deposit = category.qualification_type === 1 ? QUALIFIED_DEPOSIT : BASIC_DEPOSIT;
    if (/虚拟商品|本地生活/.test(category.first_cat_name)) return { deposit, deliveries: [{ deliver_type: 3, acct_type: [1, 3] }] };
    const deliveries = [{ deliver_type: 0, acct_type: [] as number[] }];
    if (/食品|生鲜/.test(category.first_cat_name)) deliveries.push({ deliver_type: 6, acct_type: [] });
    return { deposit, deliveries };
  }

  /**
   * Ids of the current categories whose qualification is not required (type 0 or optional type 2);
   * a new shop owns them all.
   */
  withoutQualification(): number[] {
    return this.listed.filter((category) => category.qualification_type !== 1).map((category) => category.third_cat_id);
  }
}
