import { endpoint } from './endpoint.js';
import { Empty, ProductKey, SkuAttr } from './common.js';
import { array, datetime, enumOf, int64, integer, object, optional, partial, string, unknown } from './schema.js';

const SkuInput = object({
  out_product_id: string('Must equal the parent out_product_id'),
  out_sku_id: string('Merchant sku id, unique within the product'),
  thumb_img: string('Sku image'),
  sale_price: integer('Price in fen'),
  market_price: integer('List price in fen'),
  stock_num: integer('Stock (informational)'),
  barcode: optional(string()),
  sku_code: optional(string()),
  sku_attrs: array(SkuAttr, 'Sales attributes'),
});

const SpuFields = {
  out_product_id: string('Merchant product id; never reusable, even after deletion'),
  title: string('Title'),
  path: string('Product page in the mini program'),
  direct_path: optional(string('Buy-now page')),
  head_img: array(string('Image link from img/upload'), 'Main images'),
  qualification_pics: optional(array(string(), 'Product qualification images')),
  desc_info: optional(object({ desc: optional(string('Detail text')), imgs: optional(array(string(), 'Detail images')) })),
  third_cat_id: integer('Level-3 category id'),
  brand_id: integer('Brand id; 2100000000 means no brand'),
  info_version: optional(string('Merchant version tag')),
  scene_group_list: optional(array(integer(), 'Usage scenes')),
  skus: array(SkuInput, 'At least one sku'),
} as const;

const Sku = object({
  out_product_id: string(),
  out_sku_id: string(),
  sku_id: int64('Platform sku id'),
  thumb_img: string(),
  sale_price: integer('Price in fen'),
  market_price: integer('List price in fen'),
  stock_num: integer(),
  barcode: optional(string()),
  sku_code: optional(string()),
  sku_attrs: array(SkuAttr),
});

/** One product copy, as spu/get and spu/get_list return it. */
export const Spu = object({
  product_id: int64('Platform product id'),
  out_product_id: string('Merchant product id'),
  title: optional(string()),
  path: optional(string()),
  direct_path: optional(string()),
  head_img: array(string()),
  qualification_pics: optional(array(string())),
  desc_info: optional(object({ desc: optional(string()), imgs: optional(array(string())) })),
  third_cat_id: optional(integer()),
  brand_id: optional(integer()),
  info_version: optional(string()),
  scene_group_list: optional(array(integer())),
  cats: optional(array(unknown())),
  delist_info: optional(unknown()),
  skus: array(Sku),
  audit_info: partial({ submit_time: datetime(), audit_time: datetime(), reject_reason: string(), audit_id: string() }),
  status: enumOf([0, 5, 11, 13], 'Online status: 0 never online, 5 on sale, 11 delisted by the merchant, 13 delisted for a violation'),
  edit_status: enumOf([0, 1, 2, 3, 4], 'Draft status: 1 editing, 2 under review, 3 rejected, 4 approved'),
  create_time: datetime(),
  update_time: datetime(),
});

const SkuIds = array(object({ sku_id: optional(int64('Platform sku id')), out_sku_id: string() }));

const Need = { need_edit_spu: optional(enumOf([0, 1], '0 online copy (default), 1 draft')) } as const;

/** Products (SPU): a draft copy that is reviewed and an online copy buyers see. */
export const spu = {
  add: endpoint({
    path: '/shop/spu/add',
    summary: 'Creates a product; the draft goes to review',
    request: object(SpuFields),
    response: object({ data: object({ product_id: int64(), out_product_id: string(), create_time: datetime(), skus: SkuIds }) }),
  }),
  update: endpoint({
    path: '/shop/spu/update',
    summary: 'Replaces the draft and sends it to review again',
    request: object({ ...SpuFields, product_id: optional(int64('Platform product id')) }),
    response: object({ data: object({ product_id: int64(), out_product_id: string(), update_time: datetime(), skus: SkuIds }) }),
  }),
  updateWithoutAudit: endpoint({
    path: '/shop/spu/update_without_audit',
    summary: 'Changes prices, stock and codes of both copies without review',
    request: object({
      ...ProductKey,
      path: optional(string()),
      skus: optional(
        array(
          object({
            out_sku_id: string('Must exist in the online copy'),
            sale_price: optional(integer()),
            market_price: optional(integer()),
            stock_num: optional(integer()),
            barcode: optional(string()),
            sku_code: optional(string()),
          }),
        ),
      ),
    }),
    response: object({
      data: partial({ product_id: int64(), out_product_id: string(), update_time: datetime(), skus: SkuIds }),
    }),
  }),
  get: endpoint({
    path: '/shop/spu/get',
    summary: 'Reads one product (online copy, or the draft with need_edit_spu 1)',
    request: object({ ...ProductKey, ...Need }),
    response: object({ spu: Spu }),
  }),
  getList: endpoint({
    path: '/shop/spu/get_list',
    summary: 'Pages through products',
    request: object({
      status: optional(integer('Online status filter')),
      start_create_time: optional(datetime()),
      end_create_time: optional(datetime()),
      start_update_time: optional(datetime()),
      end_update_time: optional(datetime()),
      page: integer('From 1'),
      page_size: integer('At most 100'),
      ...Need,
    }),
    response: object({ total_num: integer('Products matching'), spus: array(Spu) }),
  }),
  del: endpoint({ path: '/shop/spu/del', summary: 'Deletes a product; its out_product_id stays taken', request: object(ProductKey), response: Empty }),
  delAudit: endpoint({ path: '/shop/spu/del_audit', summary: 'Withdraws a review in progress', request: object(ProductKey), response: Empty }),
  listing: endpoint({ path: '/shop/spu/listing', summary: 'Puts a delisted product back on sale', request: object(ProductKey), response: Empty }),
  delisting: endpoint({ path: '/shop/spu/delisting', summary: 'Takes a product off sale', request: object(ProductKey), response: Empty }),
} as const;
