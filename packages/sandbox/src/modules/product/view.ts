import { toWireInteger, type Spu } from '@wxshop/api';
import { formatChinaTime } from '../../platform/clock.js';
import type { AuditInfoRecord, ProductCopy, ProductRecord } from './store.js';

function auditInfoView(info: AuditInfoRecord): Spu['audit_info'] {
  const view: Spu['audit_info'] = {};
  if (info.submit_time !== undefined) view.submit_time = formatChinaTime(info.submit_time);
  if (info.audit_time !== undefined) view.audit_time = formatChinaTime(info.audit_time);
  if (info.reject_reason !== undefined) view.reject_reason = info.reject_reason;
  if (info.audit_id !== undefined) view.audit_id = info.audit_id;
  return view;
}

function copyView(copy: ProductCopy, outProductId: string): Omit<Spu, 'product_id' | 'out_product_id' | 'audit_info' | 'status' | 'edit_status' | 'create_time' | 'update_time'> {
  return {
    title: copy.title,
    path: copy.path,
    ...(copy.direct_path ? { direct_path: copy.direct_path } : {}),
    head_img: copy.head_img,
    qualification_pics: copy.qualification_pics,
    desc_info: copy.desc_info,
    third_cat_id: copy.third_cat_id,
    brand_id: copy.brand_id,
    info_version: copy.info_version,
    scene_group_list: copy.scene_group_list,
    // Present in live responses; the sandbox has no data for them.
    cats: [],
    delist_info: {},
    ...copy.extras,
    skus: copy.skus.map((sku) => ({
      out_product_id: outProductId,
      out_sku_id: sku.out_sku_id,
      sku_id: toWireInteger(sku.sku_id),
      thumb_img: sku.thumb_img,
      sale_price: sku.sale_price,
      market_price: sku.market_price,
      stock_num: sku.stock_num,
      barcode: sku.barcode,
      sku_code: sku.sku_code,
      sku_attrs: sku.sku_attrs,
    })),
  };
}

/**
 * Shapes one copy of a product as spu/get returns it. `draft` picks the draft copy
 * (need_edit_spu=1); otherwise the online copy, which before the first approval is an empty
 * skeleton that still carries edit_status and audit_info, as the live platform returns it.
 */
export function spuView(record: ProductRecord, draft: boolean): Spu {
  const copy = draft ? record.draft : record.online;
  const body = copy ? copyView(copy, record.out_product_id) : { head_img: [], qualification_pics: [], skus: [] };
  return {
    product_id: toWireInteger(record.product_id),
    out_product_id: record.out_product_id,
    ...body,
    audit_info: auditInfoView(record.audit_info),
    status: record.status,
    edit_status: record.edit_status,
    create_time: formatChinaTime(record.create_time),
    update_time: formatChinaTime(record.update_time),
  };
}

/** Builds the `data` of add, update and update_without_audit: ids and the sku id map. */
export function idsView(record: ProductRecord, copy: ProductCopy) {
  return {
    product_id: toWireInteger(record.product_id),
    out_product_id: record.out_product_id,
    skus: copy.skus.map((sku) => ({ sku_id: toWireInteger(sku.sku_id), out_sku_id: sku.out_sku_id })),
  };
}
