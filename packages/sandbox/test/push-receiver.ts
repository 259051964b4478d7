import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A merchant's message-push endpoint for tests, on 127.0.0.1 with a free port, with its own
 * implementation of the platform's signature and AES scheme written from the platform's
 * description (not the sandbox's code), so that a test proves the sandbox interoperates.
 */

export interface ReceivedRequest {
  method: string;
  url: URL;
  contentType: string;
  body: string;
}

/** Computes the endpoint's response to a request: status and body. */
export type Responder = (request: ReceivedRequest) => { status: number; body: string };

export interface Receiver {
  url: string;
  received: ReceivedRequest[];
  /** Replaces the responder. The default echoes echostr on GET and returns `success` to a POST. */
  respond(responder: Responder): void;
  close(): Promise<void>;
}

export const echoAndSucceed: Responder = (request) =>
  request.method === 'GET' ? { status: 200, body: request.url.searchParams.get('echostr') ?? '' } : { status: 200, body: 'success' };

export async function startReceiver(path = '/wechat/push'): Promise<Receiver> {
  const received: ReceivedRequest[] = [];
  let responder: Responder = echoAndSucceed;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: ReceivedRequest = {
        method: req.method ?? '',
        url: new URL(req.url ?? '/', 'http://127.0.0.1'),
        contentType: req.headers['content-type'] ?? '',
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(request);
      const answer = responder(request);
      res.writeHead(answer.status, { 'content-type': 'text/plain' });
      res.end(answer.body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    respond(next) {
      responder = next;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** sha1 hex of the strings sorted in dictionary order and concatenated. */
export function wechatSignature(...parts: string[]): string {
  return createHash('sha1').update(parts.slice().sort().join('')).digest('hex');
}

/**
 * Decrypts an `Encrypt` value. The key is the EncodingAESKey plus "=" decoded from base64, and
 * the IV is its first 16 bytes. AES-256-CBC runs without cipher padding, then the 32-byte PKCS#7
 * pad is cut. The plaintext is 16 random bytes, a 4-byte big-endian length, the message and the appid.
 */
export function decryptMessage(encodingAesKey: string, encrypted: string): { random: Buffer; message: string; appid: string; padCount: number; padded: Buffer } {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32) throw new Error('bad key');
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  decipher.setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64')), decipher.final()]);
  const padCount = padded[padded.length - 1]!;
  if (padCount < 1 || padCount > 32) throw new Error(`bad pad ${padCount}`);
  for (let i = padded.length - padCount; i < padded.length; i++) if (padded[i] !== padCount) throw new Error('pad bytes differ');
  const plain = padded.subarray(0, padded.length - padCount);
  const length = plain.readUInt32BE(16);
  return {
    random: plain.subarray(0, 16),
    message: plain.subarray(20, 20 + length).toString('utf8'),
    appid: plain.subarray(20 + length).toString('utf8'),
    padCount,
    padded,
  };
}

/** Encrypts a merchant's passive reply the same way: random16, length, message, appid, 32-byte pad. */
export function encryptMessage(encodingAesKey: string, appid: string, message: string): string {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  const body = Buffer.from(message, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length, 0);
  const plain = Buffer.concat([Buffer.from(randomBytes(8).toString('hex')), length, body, Buffer.from(appid)]);
  const padCount = 32 - (plain.length % 32);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(padCount, padCount)])), cipher.final()]).toString('base64');
}

export type XmlNode = { [name: string]: XmlValue[] };
export type XmlValue = string | XmlNode;

/**
 * Parses the platform's XML messages with a small reader: elements, text and CDATA, no attributes.
 * Each element maps to the list of its children of that name (repeated elements stay apart).
 */
export function parseXml(text: string): XmlNode {
  let index = 0;
  function readChildren(closing: string | undefined): XmlValue {
    const node: XmlNode = {};
    let textContent = '';
    let hasElements = false;
    while (index < text.length) {
      if (text.startsWith('<![CDATA[', index)) {
        const end = text.indexOf(']]>', index);
        textContent += text.slice(index + 9, end);
        index = end + 3;
      } else if (text.startsWith('</', index)) {
        const end = text.indexOf('>', index);
        const name = text.slice(index + 2, end);
        if (name !== closing) throw new Error(`unexpected </${name}>`);
        index = end + 1;
        return hasElements ? node : textContent;
      } else if (text[index] === '<') {
        const end = text.indexOf('>', index);
        const name = text.slice(index + 1, end);
        index = end + 1;
        hasElements = true;
        (node[name] ??= []).push(readChildren(name));
      } else {
        const next = text.indexOf('<', index);
        textContent += text.slice(index, next === -1 ? text.length : next);
        index = next === -1 ? text.length : next;
      }
    }
    if (closing !== undefined) throw new Error(`missing </${closing}>`);
    return node;
  }
  const root = readChildren(undefined) as XmlNode;
  const xml = root.xml?.[0];
  if (typeof xml !== 'object') throw new Error('no <xml> root');
  return xml;
}

/** Returns the text of the first child element `name`. */
export function xmlText(node: XmlNode, name: string): string {
  const value = node[name]?.[0];
  if (typeof value !== 'string') throw new Error(`<${name}> is not a text element`);
  return value;
}
