import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decrypt, encrypt, isEncodingAesKey, sign } from './crypto.js';

const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

test('sign matches the documented example', () => {
  assert.equal(sign('AAAAA', '1714036504', '1514711492'), 'f464b24fc39322e44b38aa78f5edd27bd1441696');
});

test('encrypt and decrypt round-trip a message with its appid', () => {
  const message = '{"Event":"open_product_spu_audit","title":"积木"}';
  const sealed = encrypt(KEY, 'wx00000000000000a1', message);
  assert.deepEqual(decrypt(KEY, sealed), { message, appid: 'wx00000000000000a1' });
});

test('a plaintext of a whole number of 32-byte blocks gets a full block of padding', () => {
  // 16 random + 4 length + 26 message + 18 appid = 64 bytes, so 32 bytes of value 32 are added.
  const sealed = encrypt(KEY, 'wx00000000000000a1', 'x'.repeat(26));
  assert.equal(Buffer.from(sealed, 'base64').length, 96);
  assert.equal(decrypt(KEY, sealed).message, 'x'.repeat(26));
});

test('EncodingAESKey must be 43 base64 characters', () => {
  assert.equal(isEncodingAesKey(KEY), true);
  assert.equal(isEncodingAesKey(KEY.slice(1)), false);
  assert.equal(isEncodingAesKey(`${KEY.slice(1)}!`), false);
});
