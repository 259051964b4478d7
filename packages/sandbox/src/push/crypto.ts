import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * The platform's message signing and AES scheme for pushes (the "WXBizMsgCrypt" scheme shared by
 * every WeChat message push): SHA-1 signatures over sorted strings, and AES-256-CBC with the
 * EncodingAESKey.
 */

/** Length of an EncodingAESKey: 43 base64 characters, 32 bytes once "=" is appended. */
export const ENCODING_AES_KEY_LENGTH = 43;
/** Block size of the platform's PKCS#7 padding: 32 bytes, not AES's 16. */
const PAD_BLOCK = 32;
const RANDOM_PREFIX_BYTES = 16;

/** sha1 hex of the parts sorted as strings and joined: `signature` and `msg_signature`. */
export function sign(...parts: string[]): string {
  return createHash('sha1').update([...parts].sort().join('')).digest('hex');
}

/** True when the key is 43 base64 characters that decode to 32 bytes. */
export function isEncodingAesKey(key: string): boolean {
  return /^[A-Za-z0-9+/]{43}$/.test(key) && Buffer.from(`${key}=`, 'base64').length === 32;
}

function aesKey(encodingAesKey: string): Buffer {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32) throw new RangeError('EncodingAESKey must decode to 32 bytes');
  return key;
}

/** Random ASCII letters and digits, as the platform's 16-byte prefix. */
function randomPrefix(): Buffer {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const bytes = randomBytes(RANDOM_PREFIX_BYTES);
  return Buffer.from(Array.from(bytes, (byte) => alphabet.charCodeAt(byte % alphabet.length)));
}

/** Encrypts a message for `appid`: base64 of AES-256-CBC(random16 ‖ len32be ‖ msg ‖ appid ‖ pad). */
export function encrypt(encodingAesKey: string, appid: string, message: string): string {
  const key = aesKey(encodingAesKey);
  const body = Buffer.from(message, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const plain = Buffer.concat([randomPrefix(), length, body, Buffer.from(appid, 'utf8')]);
  const padCount = PAD_BLOCK - (plain.length % PAD_BLOCK);
  const padded = Buffer.concat([plain, Buffer.alloc(padCount, padCount)]);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64');
}

/** Reverses `encrypt`; returns the message and the appid found after it. */
export function decrypt(encodingAesKey: string, encrypted: string): { message: string; appid: string } {
  const key = aesKey(encodingAesKey);
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  decipher.setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64')), decipher.final()]);
  const last = padded[padded.length - 1] ?? 0;
  const plain = last >= 1 && last <= PAD_BLOCK ? padded.subarray(0, padded.length - last) : padded;
  const length = plain.readUInt32BE(RANDOM_PREFIX_BYTES);
  const start = RANDOM_PREFIX_BYTES + 4;
  return {
    message: plain.subarray(start, start + length).toString('utf8'),
    appid: plain.subarray(start + length).toString('utf8'),
  };
}

/** A nonce as the platform sends it: a decimal number of up to 10 digits. */
export function createNonce(): string {
  return String(randomBytes(4).readUInt32BE());
}
