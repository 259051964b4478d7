import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactQuery, redactQueryText } from './redact.js';

test('query text redaction matches parsed redaction', () => {
  const queries = [
    'access_token=89_AbCdEfGhIjKlMnOp-qr.st*uv',
    'access_token=short',
    'access_token=',
    'access_token=with%20escape',
    'access_token=a+b',
    'access_token=x&resp_type=1',
    'resp_type=1&access_token=abcdefghijklmn',
    'secret=abc&appid=wx1',
    '',
    'access_token=a%00b',
  ];
  for (const query of queries) {
    const parsed = new URLSearchParams(query);
    assert.equal(redactQueryText(query, parsed), redactQuery(parsed).replaceAll('\u0000', '\ufffd'), query);
  }
});

test('token keeps ten characters', () => {
  assert.equal(redactQueryText('access_token=0123456789abcdef', new URLSearchParams('access_token=0123456789abcdef')), 'access_token=0123456789xxxx');
});
