import { endpoint } from './endpoint.js';
import { Address, Empty } from './common.js';
import { array, enumOf, int64, integer, object, optional, partial, string } from './schema.js';

const SceneGroup = object({
  group_id: integer('Scene id: 1 is Channels and Official Accounts'),
  name: optional(string('Scene name')),
  status: enumOf([0, 1, 2, 3], '0 under review, 1 passed, 2 failed, 3 not reviewed'),
  reason: optional(string('Review text')),
  scene_group_ext_list: optional(
    array(object({ ext_id: integer('1 customer service, 2 e-commerce platform'), status: integer('As the group status'), name: optional(string('Item name')) })),
  ),
});

/** Opening the component and the onboarding tasks. */
export const register = {
  apply: endpoint({
    path: '/shop/register/apply',
    summary: 'Applies to open the component (retired in 2024: answers 1400007)',
    request: object({ action_type: optional(integer('Deprecated; ignored')) }),
    response: Empty,
  }),
  check: endpoint({
    path: '/shop/register/check',
    summary: 'Reads the access status and the onboarding task flags',
    request: Empty,
    response: object({
      data: object({
        status: optional(integer('2 accessed, 3 banned (0 or 1 count as accessed)')),
        access_info: partial({
          spu_audit_success: integer('0 or 1'),
          spu_audit_finished: integer('0 or 1'),
          ec_order_success: integer('0 or 1'),
          ec_order_finished: integer('0 or 1'),
          send_delivery_success: integer('0 or 1'),
          send_delivery_finished: integer('0 or 1'),
          ec_after_sale_success: integer('0 or 1'),
          ec_after_sale_finished: integer('0 or 1'),
          test_api_finished: integer('0 or 1'),
          deploy_wxa_finished: integer('0 or 1'),
          open_product_task_finished: integer('0 or 1'),
        }),
        scene_group_list: optional(array(SceneGroup)),
      }),
    }),
  }),
  finishAccessInfo: endpoint({
    path: '/shop/register/finish_access_info',
    summary: 'Marks an onboarding task done',
    request: object({
      access_info_item: enumOf([6, 7, 8, 9, 10, 11, 19, 20], '6 spu, 7 or 19 order, 8 delivery, 9 or 20 aftersale, 10 testing, 11 release'),
    }),
    response: Empty,
  }),
  applyScene: endpoint({
    path: '/shop/register/apply_scene',
    summary: 'Applies for a scene (1: Channels and Official Accounts)',
    request: object({ scene_group_id: integer('Scene id') }),
    response: Empty,
  }),
} as const;

/** Payment-checked scenes. */
export const scene = {
  check: endpoint({
    path: '/shop/scene/check',
    summary: 'Tells whether a scene value is inside the payment-check scope',
    request: object({ scene: integer('Mini program scene value') }),
    response: object({ is_matched: enumOf([0, 1], '1 when the scene is checked') }),
  }),
} as const;

/** Categories. */
export const category = {
  get: endpoint({
    path: '/shop/cat/get',
    summary: 'Lists every level-3 category with its qualification rules',
    request: Empty,
    response: object({
      third_cat_list: array(
        object({
          third_cat_id: integer('Level-3 category id'),
          third_cat_name: string('Name'),
          qualification: string('Category qualification needed ("" when none)'),
          qualification_type: enumOf([0, 1, 2], '0 not needed, 1 required, 2 optional'),
          product_qualification: string('Product qualification needed'),
          product_qualification_type: enumOf([0, 1, 2], '0 not needed, 1 required, 2 optional'),
          second_cat_id: integer('Level-2 id'),
          second_cat_name: string('Level-2 name'),
          first_cat_id: integer('Level-1 id'),
          first_cat_name: string('Level-1 name'),
          scene_group_list: optional(array(integer(), 'Scenes where the category is usable')),
        }),
      ),
    }),
  }),
  getCategoryRule: endpoint({
    path: '/shop/ec/category/getcategoryrule',
    summary: 'Reads the deposit (rule_id 1) or delivery-method (rule_id 2) rule of a category',
    request: object({ rule_id: enumOf([1, 2], '1 deposit, 2 delivery method (query parameter)'), category_id: int64('Category id') }),
    queryFields: ['rule_id'],
    response: object({
      deposit: optional(integer('Deposit in fen (rule_id 1)')),
      list: optional(array(object({ deliver_type: integer('0 express, 1 training, 3 voucher, 4/5 game, 6 same-city'), acct_type: array(integer()) }))),
    }),
  }),
} as const;

/** Image upload (multipart/form-data). */
export const image = {
  upload: endpoint({
    path: '/shop/img/upload',
    summary: 'Uploads an image (bytes or a URL) and returns platform identifiers',
    request: object({
      resp_type: enumOf([0, 1, 2], '0 media_id, 1 temp_img_url, 2 pay_media_id'),
      upload_type: enumOf([0, 1], '0 file bytes in `media`, 1 image URL in `img_url`'),
      media: optional(string('Image bytes (multipart file part), at most 2 MB', 'binary')),
      img_url: optional(string('Image URL to fetch', 'url')),
    }),
    queryFields: ['resp_type', 'upload_type', 'img_url'],
    response: object({
      img_info: object({
        media_id: string('Media id (resp_type 0), otherwise ""'),
        temp_img_url: string('Image link (resp_type 1), otherwise ""'),
        pay_media_id: string('WeChat Pay media id (resp_type 2), otherwise ""'),
      }),
    }),
  }),
} as const;

const AuditId = object({ audit_id: string('Audit order id') });

/** Brand and category qualification audits. */
export const audit = {
  auditBrand: endpoint({
    path: '/shop/audit/audit_brand',
    summary: 'Submits a brand for review; the result arrives as open_product_brand_audit',
    request: object({
      audit_req: object({
        license: array(string(), 'Business licence images (URL or media_id)'),
        brand_info: object({
          brand_audit_type: enumOf([1, 2, 3, 4], '1 domestic R, 2 domestic TM, 3 overseas R, 4 overseas TM'),
          trademark_type: string('Trademark class "1"…"45"'),
          brand_management_type: enumOf([1, 2, 3], '1 own brand, 2 agency, 3 no brand'),
          commodity_origin_type: enumOf([1, 2], '1 imported, 2 not imported'),
          brand_wording: string('Brand word'),
          sale_authorization: optional(array(string())),
          trademark_registration_certificate: optional(array(string())),
          trademark_change_certificate: optional(array(string())),
          trademark_registrant: optional(string()),
          trademark_registrant_nu: optional(string('Registration or application number')),
          trademark_authorization_period: optional(string('Validity, YYYY-MM-DD HH:mm:ss')),
          trademark_registration_application: optional(array(string())),
          trademark_applicant: optional(string()),
          trademark_application_time: optional(string()),
          imported_goods_form: optional(array(string())),
        }),
        scene_group_list: optional(array(integer(), 'Scenes where the brand is used')),
      }),
    }),
    response: AuditId,
  }),
  auditCategory: endpoint({
    path: '/shop/audit/audit_category',
    summary: 'Submits a category qualification; the result arrives as open_product_category_audit',
    request: object({
      audit_req: object({
        license: array(string(), 'Business licence images'),
        category_info: object({
          level1: integer('Level-1 id'),
          level2: integer('Level-2 id'),
          level3: integer('Level-3 id'),
          certificate: array(string(), 'Qualification images, at most 10'),
        }),
        scene_group_list: optional(array(integer(), '1 Channels, 3 order centre')),
      }),
    }),
    response: AuditId,
  }),
  result: endpoint({
    path: '/shop/audit/result',
    summary: 'Reads one audit order',
    request: AuditId,
    response: object({
      data: object({
        status: enumOf([0, 1, 9], '0 under review, 1 approved, 9 rejected'),
        brand_id: optional(integer('Brand id of an approved brand audit')),
        reject_reason: optional(string('Why it was rejected')),
      }),
    }),
  }),
  getMiniappCertificate: endpoint({
    path: '/shop/audit/get_miniapp_certificate',
    summary: 'Reads the qualifications filed for the mini program itself',
    request: object({ req_type: enumOf([1, 2], '1 category, 2 brand') }),
    response: object({
      category_info_list: optional(
        array(
          object({
            first_category_id: integer(),
            first_category_name: string(),
            second_category_id: integer(),
            second_category_name: string(),
            certificate_url: array(string()),
          }),
        ),
      ),
      brand_info: optional(
        partial({ brand_wording: string(), sale_authorization: array(string()), trademark_registration_certificate: array(string()) }),
      ),
    }),
  }),
} as const;

const AccountInfo = {
  service_agent_path: optional(string('Custom service page path')),
  service_agent_phone: optional(string('Service phone')),
  service_agent_type: optional(array(enumOf([0, 1, 2]), '0 mini program customer service, 1 custom path, 2 phone')),
  default_receiving_address: optional(Address),
} as const;

/** The merchant account: approved categories and brands, service contact, return address. */
export const account = {
  getCategoryList: endpoint({
    path: '/shop/account/get_category_list',
    summary: 'Lists the approved categories',
    request: Empty,
    response: object({
      data: array(
        object({
          first_cat_id: integer(),
          first_cat_name: string(),
          second_cat_id: integer(),
          second_cat_name: string(),
          third_cat_id: integer(),
          third_cat_name: string(),
        }),
      ),
    }),
  }),
  getBrandList: endpoint({
    path: '/shop/account/get_brand_list',
    summary: 'Lists the approved brands',
    request: Empty,
    response: object({ data: array(object({ brand_id: integer('Brand id'), brand_wording: string('Brand word') })) }),
  }),
  updateInfo: endpoint({
    path: '/shop/account/update_info',
    summary: 'Sets the service contact and the default return address',
    request: object(AccountInfo),
    response: Empty,
  }),
  getInfo: endpoint({
    path: '/shop/account/get_info',
    summary: 'Reads the account info',
    request: Empty,
    response: object({ data: object(AccountInfo) }),
  }),
} as const;
