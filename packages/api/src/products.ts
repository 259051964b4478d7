/**
 * Product (SPU) contract: wire shapes of /shop/spu/* and the limits the sandbox enforces.
 * Field names are the platform's own.
 */

/** brand_id meaning "no brand"; every account may use it. */
export const NO_BRAND_ID = 2100000000;

/**
 * Length and count limits. The platform documents none of them beyond the 2022 parameter rules,
 * so these values are the sandbox's choice; a value over a limit gets 990008.
 */
export const PRODUCT_LIMITS = {
  outIdLength: 128,
  titleLength: 60,
  pathLength: 512,
  urlLength: 1024,
  headImgCount: 9,
  qualificationPicCount: 9,
  descLength: 10_000,
  descImgCount: 50,
  skuCount: 500,
  skuAttrCount: 20,
  skuAttrLength: 64,
  codeLength: 128,
  infoVersionLength: 64,
  /** Page size cap of spu/get_list; larger sizes get 990005. */
  pageSize: 100,
} as const;

export interface SkuAttr {
  attr_key: string;
  attr_value: string;
}

export interface Sku {
  out_product_id: string;
  out_sku_id: string;
  /** Platform id (uint64), a JSON number on the wire. */
  sku_id: number | bigint;
  thumb_img: string;
  /** Price in fen. */
  sale_price: number;
  /** Price in fen. */
  market_price: number;
  /** Informational: orders do not decrement it. */
  stock_num: number;
  barcode: string;
  sku_code: string;
  sku_attrs: SkuAttr[];
}

export interface DescInfo {
  desc: string;
  imgs: string[];
}

export interface AuditInfo {
  submit_time?: string;
  audit_time?: string;
  reject_reason?: string;
  audit_id?: string;
}

/** One product copy as spu/get and spu/get_list return it. */
export interface Spu {
  product_id: number | bigint;
  out_product_id: string;
  title?: string;
  path?: string;
  direct_path?: string;
  head_img: string[];
  qualification_pics: string[];
  desc_info?: DescInfo;
  third_cat_id?: number;
  brand_id?: number;
  info_version?: string;
  scene_group_list?: number[];
  /** Always empty in the sandbox; live responses carry it. */
  cats?: unknown[];
  /** Always empty in the sandbox; live responses carry it. */
  delist_info?: Record<string, unknown>;
  skus: Sku[];
  audit_info: AuditInfo;
  /** Online status: 0 never online, 5 on sale, 11 delisted by the merchant, 13 delisted for a violation. */
  status: number;
  /** Draft status: 1 editing, 2 under review, 3 rejected, 4 approved. */
  edit_status: number;
  create_time: string;
  update_time: string;
}

/** Body of the `open_product_spu_audit` event. */
export interface SpuAuditEvent {
  out_product_id: string;
  product_id: number | bigint;
  /** 4 approved, 3 rejected. */
  status: 3 | 4;
  /** Online status after the audit. */
  spu_status: number;
  reject_reason: string;
}
