import { adminCall } from '../admin.js';
import { formatTime, h, jsonBlock, replaceChildren } from '../dom.js';
import { language, t } from '../i18n.js';
import { label, PRODUCT_EDIT_STATUS, PRODUCT_STATUS } from '../states.js';
import { button, errorNotice, heading, needApp, notice, type Page } from '../ui.js';

interface Spu {
  title?: string;
  audit_info?: { reject_reason?: string; audit_time?: string; submit_time?: string };
  third_cat_id?: number;
  skus?: { out_sku_id?: string; sale_price?: number; stock_num?: number }[];
  [field: string]: unknown;
}

interface Product {
  product_id: string;
  out_product_id: string;
  status: number;
  edit_status: number;
  deleted: boolean;
  audit_due_at: number | null;
  draft: Spu;
  online: Spu | null;
}

/** Draws one copy (draft or online) as a short summary with the full JSON below it. */
function copyView(title: string, spu: Spu | null, testid: string): HTMLElement {
  const text = t().products;
  if (!spu) return h('section', { class: 'copy', 'data-testid': testid }, h('h4', {}, title), h('p', { class: 'hint' }, text.noOnline));
  const prices = (spu.skus ?? []).map((sku) => sku.sale_price ?? 0);
  const stock = (spu.skus ?? []).reduce((sum, sku) => sum + (sku.stock_num ?? 0), 0);
  const price = prices.length === 0 ? '' : Math.min(...prices) === Math.max(...prices) ? String(prices[0]) : `${Math.min(...prices)}–${Math.max(...prices)}`;
  return h(
    'section',
    { class: 'copy', 'data-testid': testid },
    h('h4', {}, title),
    h(
      'dl',
      {},
      h('dt', {}, text.titleLabel), h('dd', {}, spu.title ?? ''),
      h('dt', {}, text.price), h('dd', {}, price),
      h('dt', {}, text.stock), h('dd', {}, String(stock)),
      h('dt', {}, text.skus), h('dd', {}, String(spu.skus?.length ?? 0)),
      h('dt', {}, text.category), h('dd', {}, String(spu.third_cat_id ?? '')),
      spu.audit_info?.reject_reason ? [h('dt', {}, text.rejectReason), h('dd', { class: 'danger-text', 'data-testid': 'reject-reason' }, spu.audit_info.reject_reason)] : null,
    ),
    h('details', {}, h('summary', {}, 'JSON'), jsonBlock(spu)),
  );
}

export const productsPage: Page = (root, context) => {
  if (!context.appid) return void replaceChildren(root, needApp());
  const appid = context.appid;
  const text = t().products;
  const lang = language();
  const message = h('div', {});
  const queue = h('div', { 'data-testid': 'audit-queue' });
  const list = h('div', {});
  const showDeleted = h('input', { type: 'checkbox' });
  showDeleted.addEventListener('change', () => void render());

  const decide = async (product: Product, decision: 'approve' | 'reject', reason?: string) => {
    try {
      await adminCall('POST', `/apps/${appid}/products/audit`, { product_id: product.product_id, decision, reason });
      replaceChildren(message, notice('success', decision === 'approve' ? text.approved(product.out_product_id) : text.rejected(product.out_product_id)));
    } catch (error) {
      replaceChildren(message, errorNotice(error));
    }
    await render();
  };

  const queueItem = (product: Product) => {
    const reason = h('input', { placeholder: text.rejectReason, 'aria-label': text.rejectReason, size: 28 });
    return h(
      'li',
      { 'data-testid': `queue-${product.out_product_id}` },
      h('strong', {}, product.draft.title ?? product.out_product_id),
      ` · ${product.out_product_id} · ${product.product_id}`,
      product.audit_due_at ? h('span', { class: 'hint' }, ` · ${text.auditDue} ${formatTime(product.audit_due_at)}`) : null,
      h(
        'div',
        { class: 'row-actions' },
        button(text.approve, () => decide(product, 'approve'), { 'data-testid': `approve-${product.out_product_id}` }),
        reason,
        button(text.reject, () => decide(product, 'reject', reason.value || undefined), { class: 'danger', 'data-testid': `reject-${product.out_product_id}` }),
      ),
    );
  };

  const card = (product: Product) =>
    h(
      'article',
      { class: 'product', 'data-testid': `product-${product.out_product_id}` },
      h(
        'header',
        {},
        h('strong', {}, product.out_product_id),
        ` · product_id ${product.product_id} · `,
        h('span', { class: 'badge', 'data-testid': 'status' }, label(PRODUCT_STATUS, product.status, lang)),
        ' ',
        h('span', { class: 'badge', 'data-testid': 'edit-status' }, label(PRODUCT_EDIT_STATUS, product.edit_status, lang)),
        product.deleted ? h('span', { class: 'badge danger' }, 'deleted') : null,
        product.status !== 13 && !product.deleted
          ? button(text.violation, async () => {
              try {
                await adminCall('POST', `/apps/${appid}/products/violation`, { product_id: product.product_id });
              } catch (error) {
                replaceChildren(message, errorNotice(error));
              }
              await render();
            }, { class: 'secondary small' })
          : null,
      ),
      h('div', { class: 'copies' }, copyView(text.draft, product.draft, 'draft'), copyView(text.online, product.online, 'online')),
    );

  const render = async () => {
    try {
      const { products } = await adminCall<{ products: Product[] }>('GET', `/apps/${appid}/products${showDeleted.checked ? '?deleted=1' : ''}`);
      const pending = products.filter((product) => product.edit_status === 2 && !product.deleted);
      replaceChildren(queue, pending.length === 0 ? h('p', { class: 'empty' }, text.queueEmpty) : h('ul', { class: 'queue' }, pending.map(queueItem)));
      replaceChildren(list, products.length === 0 ? h('p', { class: 'empty' }, t().empty) : products.map(card));
    } catch (error) {
      replaceChildren(queue, errorNotice(error));
      replaceChildren(list);
    }
  };

  replaceChildren(
    root,
    heading(text.heading, () => void render()),
    message,
    h('h3', {}, text.queue),
    queue,
    h('div', { class: 'page-heading' }, h('h3', {}, text.all), h('label', { class: 'hint' }, showDeleted, ' ', text.deleted)),
    list,
  );
  void render();
};
