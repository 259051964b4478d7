import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../storage/schema.js';
import type { Executor } from '../app/store.js';
import { WireError } from '../../server/wire-error.js';
import { hasNul } from '../../server/fields.js';
import { parseMultipart } from './multipart.js';
import { findImageByKey, imageKeyExists, insertImage, type ImageRecord } from './store.js';

/** Largest image the platform accepts: 2 MB. */
export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;
/** Time allowed to fetch an `img_url` before the upload fails with 1070008. */
const FETCH_TIMEOUT_MS = 5000;

/** Host and path prefix of the links img/upload returns, as on the platform. */
const IMAGE_LINK_PREFIX = 'https://mmecimage.cn/p/';
/** Hosts of WeChat-hosted images that product calls accept. */
const WECHAT_IMAGE_HOSTS = ['mmecimage.cn', 'store.mp.video.tencent-cloud.com', 'mmbizurl.cn'];

export interface UploadRequest {
  query: URLSearchParams;
  rawBody: Buffer;
  contentType: string;
}

export interface ImageInfo {
  media_id: string;
  temp_img_url: string;
  pay_media_id: string;
}

/** resp_type: 0 media_id, 1 link, 2 WeChat Pay media id. */
type RespType = 0 | 1 | 2;

export type ImageUrlCheck = { ok: true } | { ok: false; code: 1070010 | 1070011; url: string };

// Issued links never change, so a link once found is remembered; the bound keeps memory flat.
const ISSUED_CACHE_MAX = 100_000;

export class ImageService {
  private readonly issued = new Set<string>();

  constructor(private readonly db: Kysely<Database>) {}

  /** Forgets remembered links, after a reset deleted the images. */
  clearCache(): void {
    this.issued.clear();
  }

  /**
   * Stores an image sent as a multipart `media` part (upload_type 0) or fetched from `img_url`
   * (upload_type 1). Parameters are read from the query string first, then from multipart fields.
   * A JSON body is never read, so such a call finds no file (1070001).
   */
  async upload(appid: string, request: UploadRequest, now: number): Promise<ImageInfo> {
    const form = await parseMultipart(request.rawBody, request.contentType, MAX_IMAGE_BYTES);
    const param = (name: string) => request.query.get(name) ?? form.fields.get(name);

    // A missing, unparsable or out-of-range resp_type behaves as 0, as observed on the platform.
    const respTypeText = param('resp_type');
    let respType: RespType = 0;
    if (respTypeText === '1') respType = 1;
    else if (respTypeText === '2') respType = 2;
    const uploadType = param('upload_type') === '1' ? 1 : 0;

    let bytes: Buffer;
    let contentType: string;
    let sourceUrl: string | null = null;
    if (uploadType === 0) {
      const media = form.files.get('media');
      if (!media || media.bytes.length === 0) throw new WireError(1070001, 'img.media.missing');
      if (media.truncated) throw new WireError(1070002, 'img.too_large');
      if (respType === 2 && !media.filename) throw new WireError(1070001, 'img.media.filename_missing');
      bytes = media.bytes;
      contentType = media.mimeType || 'application/octet-stream';
    } else {
      const url = param('img_url');
      if (!url) throw new WireError(1070001, 'img.img_url.missing');
      if (hasNul(url)) throw new WireError(1070008, 'img.img_url.fetch_failed');
      sourceUrl = url;
      ({ bytes, contentType } = await this.fetchImage(appid, url));
    }

    const record: ImageRecord = {
      media_id: `wxashop_${randomBytes(66).toString('base64')}`,
      appid,
      url_key: randomBytes(24).toString('base64url'),
      content_type: contentType,
      bytes,
      source_url: sourceUrl,
      created_at: now,
    };
    await insertImage(this.db, record);

    // Every key is present; the ones not asked for are empty strings, as on the platform.
    return {
      media_id: respType === 0 ? record.media_id : '',
      temp_img_url: respType === 1 ? `${IMAGE_LINK_PREFIX}${appid}/${record.url_key}` : '',
      pay_media_id: respType === 2 ? `V1_${randomBytes(30).toString('base64url')}` : '',
    };
  }

  /** Returns a stored image for the `/p/<appid>/<key>` route that serves uploaded images. */
  async find(appid: string, urlKey: string): Promise<ImageRecord | undefined> {
    if (hasNul(appid) || hasNul(urlKey)) return undefined;
    return findImageByKey(this.db, appid, urlKey);
  }

  /**
   * Checks image URLs given to product calls: a URL outside the WeChat image hosts gets 1070010,
   * and an mmecimage.cn link this app was never issued gets 1070011. Empty strings are skipped.
   * `db` is the caller's transaction: SQLite has one connection, which the transaction holds.
   */
  async checkProductImages(db: Executor, appid: string, urls: readonly string[]): Promise<ImageUrlCheck> {
    for (const url of urls) {
      if (url === '') continue;
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        return { ok: false, code: 1070010, url };
      }
      if (!WECHAT_IMAGE_HOSTS.includes(parsed.hostname)) return { ok: false, code: 1070010, url };
      if (parsed.hostname !== 'mmecimage.cn') continue;
      const match = /^\/p\/([^/]+)\/([^/]+)$/.exec(parsed.pathname);
      if (!match || match[1] !== appid || hasNul(match[2]!)) return { ok: false, code: 1070011, url };
      const cacheKey = `${appid}/${match[2]}`;
      if (this.issued.has(cacheKey)) continue;
      if (!(await imageKeyExists(db, appid, match[2]!))) return { ok: false, code: 1070011, url };
      if (this.issued.size >= ISSUED_CACHE_MAX) this.issued.clear();
      this.issued.add(cacheKey);
    }
    return { ok: true };
  }

  private async fetchImage(appid: string, url: string): Promise<{ bytes: Buffer; contentType: string }> {
    // A link this sandbox issued is copied without a network round trip.
    if (url.startsWith(`${IMAGE_LINK_PREFIX}${appid}/`)) {
      const stored = await findImageByKey(this.db, appid, url.slice(IMAGE_LINK_PREFIX.length + appid.length + 1));
      if (stored) return { bytes: stored.bytes, contentType: stored.content_type };
    }
    // The sandbox replaces the WeChat image hosts, so a link on them that it did not issue
    // cannot be fetched.
    let host = '';
    try {
      host = new URL(url).hostname;
    } catch {
      throw new WireError(1070008, 'img.img_url.invalid');
    }
    if (WECHAT_IMAGE_HOSTS.includes(host)) throw new WireError(1070008, 'img.img_url.unknown_wechat_link');
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'follow' });
    } catch {
      throw new WireError(1070008, 'img.img_url.fetch_failed');
    }
    if (!response.ok) throw new WireError(1070008, 'img.img_url.fetch_failed');
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > MAX_IMAGE_BYTES) throw new WireError(1070002, 'img.too_large');
    let bytes: Buffer;
    try {
      bytes = Buffer.from(await response.arrayBuffer());
    } catch {
      // The source stopped or cut the body after its headers; the timeout covers the body too.
      throw new WireError(1070008, 'img.img_url.body_failed');
    }
    if (bytes.length === 0) throw new WireError(1070008, 'img.img_url.empty');
    if (bytes.length > MAX_IMAGE_BYTES) throw new WireError(1070002, 'img.too_large');
    return { bytes, contentType: response.headers.get('content-type') ?? 'application/octet-stream' };
  }
}

// Leading bytes of the image formats a browser shows, with their media types.
const IMAGE_SIGNATURES: [Buffer, string][] = [
  [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), 'image/png'],
  [Buffer.from([0xff, 0xd8, 0xff]), 'image/jpeg'],
  [Buffer.from('GIF87a'), 'image/gif'],
  [Buffer.from('GIF89a'), 'image/gif'],
  [Buffer.from('BM'), 'image/bmp'],
];

/**
 * Returns the media type to serve stored bytes with. Uploads keep whatever type the client
 * declared, and the bytes are not checked, so the type comes from the bytes themselves: a known
 * image format gets its type, anything else application/octet-stream. Bytes declared as text/html
 * are thus never run as a page on the sandbox's origin, where the admin API shows app secrets.
 */
export function servedImageType(bytes: Buffer): string {
  for (const [signature, type] of IMAGE_SIGNATURES) {
    if (bytes.subarray(0, signature.length).equals(signature)) return type;
  }
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  return 'application/octet-stream';
}
